"""The database: the only place that knows the tables and SQL.

`database` opens connections and answers the daemon's queries (`Store`);
`engine` opens the database and brings its schema up to date (`migrations`,
Alembic); `schema` declares the tables in SQLAlchemy Core, which every query
that only reads uses (no ORM: the reading commands start fast), and `tables`
maps sqlmodel classes onto them (the typed rows of the Home Assistant event
log); `messages` records one email, through `recorder`, which writes its
orders, shipments (`rows`: plain objects, each change one UPDATE), timeline and
outbox rows inside the caller's Core transaction through the state machine,
asking an `Announcer` (the notify package's routing) what to queue;
`views` are the frozen values everything else reads and `reading` builds
them (`export` gives their JSON form, `browse` finds them for the web pages,
`tallies` counts them for the metrics); `Store.listen` tells whoever follows
the store (Home Assistant, the calendar file) that a change was committed;
`housekeeping` archives and tidies. The feature packages that own a table of
their own (the outbox in `notify`, the carrier-check ledger in `carriers`, the
Home Assistant events in `mqtt`) work through `Store.writing()` (Core) or
`Store.transaction()` (an ORM session, the Home Assistant events). May
import `daemon.state`, `daemon.errors`, `config` and `parsers`; never a
feature package, `service` or `cli`.
"""
