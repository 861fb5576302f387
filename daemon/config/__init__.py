"""Settings: the TOML file read into frozen, validated values, once.

`settings` loads the file and builds `Settings`; `table` reads one TOML table
with one-line errors naming the key; `imap`, `notify`, `carriers` and `mqtt`
(with `[calendar]`) read their sections; `secrets` resolves values kept in
the environment, a file or systemd's credentials; `paths` knows the XDG
locations. May import
`daemon.errors` and `parsers` (the marketplace and milestone vocabularies),
nothing else of the daemon: every other package receives settings, none reads
the file.
"""
