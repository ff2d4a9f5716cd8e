"""Handoffs: requested, claimed, closed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian.domain.handoff import Handoff, HandoffOutcome, HandoffReason, Priority
from kuanxian.storage.rows import inserted_id
from kuanxian.storage.schema import handoffs


def _handoff(row: RowMapping) -> Handoff:
    return Handoff(
        conversation_id=row["conversation_id"],
        reason=HandoffReason(row["reason"]),
        priority=Priority(row["priority"]),
        requested_at=row["requested_at"],
        summary=row["summary"] or "",
        details=json.loads(row["details"] or "{}"),
        handoff_id=row["id"],
        collector_id=row["collector_id"],
        claimed_at=row["claimed_at"],
        closed_at=row["closed_at"],
        outcome=HandoffOutcome(row["outcome"]) if row["outcome"] else None,
    )


async def insert(conn: AsyncConnection, handoff: Handoff) -> int:
    result = await conn.execute(
        handoffs.insert().values(
            conversation_id=handoff.conversation_id,
            reason=handoff.reason.value,
            priority=handoff.priority.value,
            summary=handoff.summary,
            details=json.dumps(dict(handoff.details), ensure_ascii=False, default=str),
            requested_at=handoff.requested_at,
        )
    )
    return inserted_id(result)


async def claim_open(conn: AsyncConnection, conversation_id: str, collector_id: int, now: datetime) -> None:
    await conn.execute(
        update(handoffs)
        .where(handoffs.c.conversation_id == conversation_id)
        .where(handoffs.c.closed_at.is_(None))
        .where(handoffs.c.collector_id.is_(None))
        .values(collector_id=collector_id, claimed_at=now)
    )


async def close_open(
    conn: AsyncConnection, conversation_id: str, outcome: HandoffOutcome, now: datetime, agreed: Optional[Mapping[str, Any]] = None
) -> None:
    await conn.execute(
        update(handoffs)
        .where(handoffs.c.conversation_id == conversation_id)
        .where(handoffs.c.closed_at.is_(None))
        .values(closed_at=now, outcome=outcome.value, agreed=json.dumps(dict(agreed), ensure_ascii=False, default=str) if agreed else None)
    )


async def for_conversation(conn: AsyncConnection, conversation_id: str) -> list[Handoff]:
    rows = (
        (await conn.execute(select(handoffs).where(handoffs.c.conversation_id == conversation_id).order_by(handoffs.c.id))).mappings().all()
    )
    return [_handoff(r) for r in rows]


async def between(conn: AsyncConnection, since: datetime, until: datetime) -> list[Handoff]:
    rows = (
        (await conn.execute(select(handoffs).where(handoffs.c.requested_at >= since).where(handoffs.c.requested_at < until)))
        .mappings()
        .all()
    )
    return [_handoff(r) for r in rows]
