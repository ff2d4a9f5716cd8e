"""Pending turns: a Borrower message accepted but not yet answered.

The row is written in the same transaction as the message, and removed (marked
done) when the answer or the honest notice is stored. A hub that starts finds
pending turns whose lease has expired and finishes them; the bot messages of a
turn carry the client id `turn-<seq>:<n>`, so finishing twice shows nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian.storage.schema import turns

PENDING = "pending"
DONE = "done"


async def start(conn: AsyncConnection, conversation_id: str, seq: int, now: datetime, owner: str, lease: timedelta) -> None:
    await conn.execute(
        turns.insert().values(
            conversation_id=conversation_id,
            seq=seq,
            status=PENDING,
            attempts=1,
            lease_owner=owner,
            lease_until=now + lease,
            created_at=now,
        )
    )


async def finish(conn: AsyncConnection, conversation_id: str, seq: int, now: datetime) -> None:
    await conn.execute(
        update(turns)
        .where(turns.c.conversation_id == conversation_id)
        .where(turns.c.seq == seq)
        .values(status=DONE, finished_at=now, lease_owner=None, lease_until=None)
    )


async def lease_stale(conn: AsyncConnection, now: datetime, owner: str, lease: timedelta, limit: int = 50) -> list[tuple[str, int]]:
    """Pending turns nobody is working on (their lease expired): lease them to `owner`."""
    query = (
        select(turns.c.conversation_id, turns.c.seq)
        .where(turns.c.status == PENDING)
        .where(or_(turns.c.lease_until.is_(None), turns.c.lease_until < now))
        .order_by(turns.c.created_at)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = (await conn.execute(query)).all()
    leased = []
    for cid, seq in rows:
        result = await conn.execute(
            update(turns)
            .where(turns.c.conversation_id == cid)
            .where(turns.c.seq == seq)
            .where(turns.c.status == PENDING)
            .where(or_(turns.c.lease_until.is_(None), turns.c.lease_until < now))
            .values(lease_owner=owner, lease_until=now + lease, attempts=turns.c.attempts + 1)
        )
        if result.rowcount == 1:
            leased.append((str(cid), int(seq)))
    return leased


async def attempts(conn: AsyncConnection, conversation_id: str, seq: int) -> int:
    value = (
        await conn.execute(select(turns.c.attempts).where(turns.c.conversation_id == conversation_id).where(turns.c.seq == seq))
    ).scalar()
    return int(value or 0)


async def status(conn: AsyncConnection, conversation_id: str, seq: int) -> Optional[str]:
    value = (
        await conn.execute(select(turns.c.status).where(turns.c.conversation_id == conversation_id).where(turns.c.seq == seq))
    ).scalar()
    return str(value) if value is not None else None
