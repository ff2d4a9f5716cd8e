"""Dialect-aware INSERT ... ON CONFLICT DO UPDATE (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


async def upsert(
    conn: AsyncConnection,
    table: Table,
    *,
    insert_values: Mapping[str, Any],
    update_values: Mapping[str, Any],
    key: Sequence[str],
) -> None:
    """Insert a row, or update `update_values` when the `key` columns clash."""
    dialect = conn.dialect.name
    stmt: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        stmt = postgresql.insert(table)
    elif dialect == "sqlite":
        stmt = sqlite.insert(table)
    else:  # pragma: no cover - only the two supported databases
        raise NotImplementedError(f"upsert is not implemented for {dialect}")
    stmt = stmt.values(**insert_values).on_conflict_do_update(index_elements=list(key), set_=dict(update_values))
    await conn.execute(stmt)
