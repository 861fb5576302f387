"""Alembic migrations of the schema (daemon.store.schema).

`HEAD` names the newest revision: opening a database reads its revision
(one query) and loads Alembic only when it differs, so a command pays nothing
for migrations on a database that is up to date. A new revision goes in
versions/ and moves HEAD (tests/daemon/store/test_migrations.py checks that
they agree).
"""

HEAD = "0003"
