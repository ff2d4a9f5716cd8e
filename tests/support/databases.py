"""Real databases for tests: a temp SQLite file, and a throwaway PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from support.services import missing_service, port_open

POSTGRES_ADMIN_URL = os.environ.get("KUANXIAN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'kuanxian-test.db'}"


async def postgres_database() -> AsyncIterator[str]:
    """Create a fresh database on the loopback server, yield its URL, drop it."""
    if not port_open("127.0.0.1", 5432):
        missing_service("PostgreSQL is not listening on 127.0.0.1:5432 (start it: pg_ctlcluster 15 main start)")
    import asyncpg

    admin = POSTGRES_ADMIN_URL
    name = f"kuanxian_test_{uuid.uuid4().hex[:10]}"
    try:
        conn = await asyncpg.connect(admin)
    except Exception as exc:
        missing_service(f"cannot connect to PostgreSQL at {admin}: {exc}")
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = admin.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each storage test runs against SQLite and PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    async for url in postgres_database():
        yield url
