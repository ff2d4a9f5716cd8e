"""Engine creation for the shared database (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from kuanxian.storage.schema import metadata

DEFAULT_SQLITE_PATH = Path("var") / "kuanxian.db"
DATABASE_URL_ENV = "KUANXIAN_DATABASE_URL"


def project_root() -> Path:
    """The repository root (where config.yml and var/ live)."""
    return Path(os.environ.get("KUANXIAN_HOME", Path(__file__).resolve().parents[2]))


def database_url(explicit: Optional[str] = None) -> str:
    """The async SQLAlchemy URL to use: explicit, then the environment, then SQLite."""
    url = explicit or os.environ.get(DATABASE_URL_ENV, "").strip()
    if not url:
        path = project_root() / DEFAULT_SQLITE_PATH
        return f"sqlite+aiosqlite:///{path}"
    return normalise_url(url)


def normalise_url(url: str) -> str:
    """Map plain `postgresql://` and `sqlite://` URLs to their async drivers."""
    for prefix, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql+psycopg2://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(prefix):
            return driver + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: Optional[str] = None, **kwargs: Any) -> AsyncEngine:
    """Create the async engine; works on SQLAlchemy 1.4 and 2.x.

    SQLite gets WAL mode and a busy timeout: the hub writes while the action
    server reads the same file from another process.
    """
    url = database_url(url)
    if is_sqlite(url):
        path = url.split(":///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30})
    else:
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", 10)
    engine = create_async_engine(url, future=True, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


async def create_schema(engine: AsyncEngine) -> None:
    """Bring the schema up to date by migrating (the hub's job; see kuanxian.storage.migrate)."""
    from kuanxian.storage.migrate import upgrade

    await upgrade(engine)


async def drop_schema(engine: AsyncEngine) -> None:
    """Drop every table (tests only)."""
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)


async def create_tables(engine: AsyncEngine) -> None:
    """Create the current tables directly, without migrations: for tests and tools that only read.

    The hub migrates (create_schema); this exists so the Rasa venv, which has no
    Alembic, can build a throwaway database for its tests.
    """
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all, checkfirst=True)
