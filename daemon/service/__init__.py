"""The long-running process (`parcelwatch run`).

`runner` starts the watchers and the APScheduler jobs (outbox, polling,
carrier checks, digest, housekeeping), handles signals and reloads;
`followers` run what follows the store (Home Assistant, the calendar file) in
threads of their own after each change; `systemd`
speaks the notify protocol (READY, STATUS, WATCHDOG); `logs` writes to the
journal or a terminal; `status` tells what the daemon is doing from the
database alone. May import every other package of the daemon; only `cli`
imports it.
"""
