"""The transactional outbox: lender-facing events written with the change that caused them.

Delivery (kuanxian.hub.webhooks) leases due rows, signs and posts them, and
retries with exponential backoff and jitter; a row that keeps failing goes to
the dead-letter list, from which the admin API can replay it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian.storage.schema import outbox

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


@dataclass(frozen=True)
class OutboxEvent:
    event_id: str
    type: str
    borrower_id: Optional[str]
    occurred_at: datetime
    data: dict[str, Any]
    status: str
    attempts: int
    last_error: Optional[str] = None

    def body(self) -> dict[str, Any]:
        return {
            "id": self.event_id,
            "type": self.type,
            "occurred_at": self.occurred_at.isoformat(),
            "borrower_id": self.borrower_id,
            "data": self.data,
        }


def _event(row: RowMapping) -> OutboxEvent:
    return OutboxEvent(
        row["id"],
        row["type"],
        row["borrower_id"],
        row["occurred_at"],
        json.loads(row["data"]),
        row["status"],
        row["attempts"],
        row["last_error"],
    )


async def record(conn: AsyncConnection, events: Iterable[Any], now: datetime) -> int:
    """Write every event that has a webhook type; returns how many."""
    rows = []
    for event in events:
        kind = getattr(event, "webhook_type", None)
        if not kind:
            continue
        rows.append(
            {
                "id": f"evt_{uuid.uuid4().hex}",
                "type": kind,
                "borrower_id": getattr(event, "borrower_id", None),
                "occurred_at": now,
                "data": json.dumps(event.webhook_data(), ensure_ascii=False, default=str),
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
            }
        )
    if rows:
        await conn.execute(outbox.insert(), rows)
    return len(rows)


async def lease_due(conn: AsyncConnection, now: datetime, owner: str, lease: timedelta, limit: int) -> list[OutboxEvent]:
    query = (
        select(outbox)
        .where(outbox.c.status == PENDING)
        .where(outbox.c.next_attempt_at <= now)
        .where(or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now))
        .order_by(outbox.c.occurred_at, outbox.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = (await conn.execute(query)).mappings().all()
    leased = []
    for row in rows:
        result = await conn.execute(
            update(outbox)
            .where(outbox.c.id == row["id"])
            .where(outbox.c.status == PENDING)
            .where(or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now))
            .values(lease_owner=owner, lease_until=now + lease)
        )
        if result.rowcount == 1:
            leased.append(_event(row))
    return leased


async def delivered(conn: AsyncConnection, event_id: str, now: datetime) -> None:
    await conn.execute(
        update(outbox)
        .where(outbox.c.id == event_id)
        .values(status=DELIVERED, delivered_at=now, attempts=outbox.c.attempts + 1, lease_owner=None, lease_until=None, last_error=None)
    )


async def failed(conn: AsyncConnection, event_id: str, error: str, next_at: Optional[datetime]) -> None:
    """A failed attempt: retry at `next_at`, or dead when `next_at` is None."""
    values: dict[str, Any] = {"attempts": outbox.c.attempts + 1, "last_error": error[:500], "lease_owner": None, "lease_until": None}
    if next_at is None:
        values["status"] = DEAD
    else:
        values["next_attempt_at"] = next_at
    await conn.execute(update(outbox).where(outbox.c.id == event_id).values(**values))


async def get(conn: AsyncConnection, event_id: str) -> Optional[OutboxEvent]:
    row = (await conn.execute(select(outbox).where(outbox.c.id == event_id))).mappings().first()
    return _event(row) if row else None


async def replay(conn: AsyncConnection, event_id: str, now: datetime) -> bool:
    result = await conn.execute(
        update(outbox)
        .where(outbox.c.id == event_id)
        .where(outbox.c.status == DEAD)
        .values(status=PENDING, next_attempt_at=now, attempts=0, last_error=None)
    )
    return result.rowcount == 1


async def listing(conn: AsyncConnection, status: str, limit: int, after: Optional[str] = None) -> list[OutboxEvent]:
    query = select(outbox).where(outbox.c.status == status)
    if after:
        query = query.where(outbox.c.id > after)
    rows = (await conn.execute(query.order_by(outbox.c.id).limit(limit))).mappings().all()
    return [_event(r) for r in rows]


async def lag(conn: AsyncConnection, now: datetime) -> tuple[int, float]:
    """(pending count, age in seconds of the oldest pending event)."""
    row = (await conn.execute(select(func.count(), func.min(outbox.c.occurred_at)).where(outbox.c.status == PENDING))).first()
    if row is None or not row[0]:
        return 0, 0.0
    oldest = row[1]
    return int(row[0]), max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
