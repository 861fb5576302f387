"""Notifications: what is said, to whom, when, and sending it through Apprise.

`routing` decides the targets of a milestone; `render` writes the title and
body per format (`links` gives the carrier's tracking page, `wording` names
items, carriers and days, also for the terminal and the web pages); `quiet` holds
notifications back during quiet hours; `digest` composes the morning summary;
`outbox` claims and settles the rows the store queued; `notifier` sends them
to the `targets` (one Apprise service each; the only module that knows Apprise
URLs), with `photo` for delivery photos; `sample` is the notification
`notify-test` sends. `routing.Announcements` is what the store asks when it
queues a notification. May import `store`, `config`, the core and `parsers`;
never `mail`, `carriers`, `service` or `cli`.
"""
