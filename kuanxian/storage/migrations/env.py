"""Alembic environment: the hub passes an open connection in config.attributes."""

from __future__ import annotations

from alembic import context

from kuanxian.storage.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through kuanxian.storage.migrate (it supplies the connection)")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
