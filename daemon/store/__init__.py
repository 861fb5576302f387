"""The database: the only place that knows the tables and SQL.

`database` owns the engine and opens sessions (`Store`); `tables` declares the
schema; `recorder` writes one parsed email (orders, shipments, timeline,
outbox rows) inside the caller's transaction through the state machine;
`views` are the frozen values everything else reads; `housekeeping` archives
and tidies. The feature packages that own a table of their own (the outbox in
`notify`, the carrier-check ledger in `carriers`) work through
`Store.transaction()`. May import `daemon.state`, `daemon.errors`, `config`
and `parsers`; never a feature package, `service` or `cli`.
"""
