"""The reading side of a SQLite store without SQLAlchemy, for `list`, `show`
and `status`: the standard library's sqlite3 and a dozen SELECTs, so these
commands start in a fraction of the time SQLAlchemy's import takes.

It answers daemon.store.reads.Views with the same frozen views as the Store
(the rows are assembled by daemon.store.assembly in both), and it is used only
where it can be exact: a plain `sqlite:///` URL and a database already at the
newest schema revision. Anything else (PostgreSQL, an older file that needs
migrating) goes through the Store. tests/daemon/store/test_lite.py compares
the two on the same databases.
"""
