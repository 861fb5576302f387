"""The reading side of the store without SQLAlchemy, for `list`, `show` and
`status`: a dozen SELECTs through the standard library's sqlite3, or through
psycopg on PostgreSQL, so these commands start in a fraction of the time
SQLAlchemy's import takes.

It answers daemon.store.reads.Views with the same frozen views as the Store
(the rows are assembled by daemon.store.assembly in both), and it is used only
where it can be exact: a plain `sqlite:///` or `postgresql+psycopg://` URL and
a database already at the newest schema revision. Anything else (a URL with
options, an older database that needs migrating) goes through the Store.
tests/daemon/store/test_lite.py compares the two on the same databases, on
SQLite and on PostgreSQL.
"""
