"""Alembic's entry point: runs the revisions on the connection the store
hands over (config.attributes["connection"]), inside the store's transaction."""

from __future__ import annotations

from alembic import context

from daemon.store import schema

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=schema.metadata)
with context.begin_transaction():
    context.run_migrations()
