"""Schema migrations (Alembic), run by the hub at start: `python -m kuanxian.storage.migrate`.

A fresh database is created by migrating from nothing; a database made by an
earlier version (before migrations existed, with the tables of revision 0001)
is stamped at 0001 and upgraded in place. On PostgreSQL an advisory lock lets
only one of several starting hubs migrate at a time. Only the hub migrates;
the action server reads.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).with_name("migrations")
ADVISORY_LOCK = 0x6B7578  # "kux"


def _config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
    tables = set(inspect(connection).get_table_names())
    config = _config(connection)
    if "alembic_version" not in tables and "conversations" in tables:
        command.stamp(config, "0001")  # made by a version before migrations: its schema is revision 0001
    command.upgrade(config, revision)


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, revision)


async def current(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(_current)


def main(argv: list[str]) -> int:
    from kuanxian.storage.db import make_engine

    async def run() -> None:
        engine = make_engine()
        try:
            await upgrade(engine, argv[0] if argv else "head")
            print(f"database at revision {await current(engine)}")
        finally:
            await engine.dispose()

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
