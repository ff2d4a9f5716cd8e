"""Collectors and their credentials (the hash never leaves this module's callers in the auth code)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import delete, func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian.domain.collector import Collector, Role
from kuanxian.storage.schema import collectors, login_failures


@dataclass(frozen=True)
class Credentials:
    collector: Collector
    password_hash: str
    demo: bool


def _collector(row: RowMapping) -> Collector:
    return Collector(
        collector_id=row["id"], username=row["username"], display_name=row["display_name"], role=Role(row["role"] or "collector")
    )


async def get(conn: AsyncConnection, collector_id: int) -> Optional[Collector]:
    row = (await conn.execute(select(collectors).where(collectors.c.id == collector_id))).mappings().first()
    return _collector(row) if row else None


async def credentials(conn: AsyncConnection, username: str) -> Optional[Credentials]:
    row = (await conn.execute(select(collectors).where(collectors.c.username == username))).mappings().first()
    if row is None:
        return None
    return Credentials(_collector(row), row["password_hash"], bool(row["demo"]))


async def ensure(
    conn: AsyncConnection, username: str, display_name: str, password_hash: str, role: Role, now: datetime, *, demo: bool = False
) -> None:
    if (await conn.execute(select(collectors.c.id).where(collectors.c.username == username))).first():
        return
    try:
        async with conn.begin_nested():
            await conn.execute(
                collectors.insert().values(
                    username=username,
                    display_name=display_name,
                    password_hash=password_hash,
                    created_at=now,
                    role=role.value,
                    demo=demo,
                )
            )
    except IntegrityError:
        pass  # another hub created it first


async def record_failure(conn: AsyncConnection, keys: list[str], now: datetime) -> None:
    await conn.execute(login_failures.insert(), [{"key": k, "at": now} for k in keys])


async def failures_since(conn: AsyncConnection, key: str, since: datetime) -> tuple[int, Optional[datetime]]:
    row = (
        await conn.execute(
            select(func.count(), func.min(login_failures.c.at)).where(login_failures.c.key == key).where(login_failures.c.at >= since)
        )
    ).first()
    return (int(row[0]), row[1]) if row else (0, None)


async def clear_failures(conn: AsyncConnection, key: str) -> None:
    await conn.execute(delete(login_failures).where(login_failures.c.key == key))


async def forget_old_failures(conn: AsyncConnection, now: datetime, keep: timedelta) -> None:
    await conn.execute(delete(login_failures).where(login_failures.c.at < now - keep))


async def credentials_by_id(conn: AsyncConnection, collector_id: int) -> Optional[Credentials]:
    row = (await conn.execute(select(collectors).where(collectors.c.id == collector_id))).mappings().first()
    if row is None:
        return None
    return Credentials(_collector(row), row["password_hash"], bool(row["demo"]))
