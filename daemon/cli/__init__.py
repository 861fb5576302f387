"""The `parcelwatch` command.

`main` holds the table of commands and imports only the module of the one
that runs: `demo`, `mail` (import, sync), `run`, `carriers` (track, refresh),
`shipments` (list, show), `calendar`, `parse`, `checks` (check-config, status,
notify-test). `context` builds the settings and the app for a command,
`statuses` holds the exit statuses, `display` lays shipments and orders out
for a terminal. The top of the import graph: it may import
anything, and nothing imports it.
"""
