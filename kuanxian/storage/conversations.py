"""Conversations: rows <-> kuanxian.domain.Conversation, and their status changes.

A status change is written only if the row still holds the status the change
was decided from (compare-and-set), so two hubs cannot both claim one
Conversation or hand back one another has resolved.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Optional

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from kuanxian.domain.conversation import Conversation, ConversationStatus, Speaker
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.message import SenderType
from kuanxian.storage.schema import borrowers, collectors, conversations, messages

OPEN = tuple(s.value for s in ConversationStatus if s.open)
HUMAN = tuple(s.value for s in ConversationStatus if s.human)


def _query() -> Select[Any]:
    return select(
        conversations, collectors.c.display_name.label("collector_name"), borrowers.c.display_name.label("borrower_name")
    ).select_from(
        conversations.outerjoin(collectors, conversations.c.collector_id == collectors.c.id).outerjoin(
            borrowers, conversations.c.borrower_id == borrowers.c.id
        )
    )


def _conversation(row: RowMapping) -> Conversation:
    return Conversation(
        conversation_id=row["id"],
        borrower_id=row["borrower_id"],
        status=ConversationStatus(row["status"]),
        created_at=row["created_at"],
        priority=Priority(row["priority"]) if row["priority"] else None,
        reason=HandoffReason(row["reason"]) if row["reason"] else None,
        collector_id=row["collector_id"],
        waiting_since=row["waiting_since"],
        last_seq=row["last_seq"],
        last_read_seq=row["last_read_seq"],
        speaker=Speaker(row["speaker"] or "holder"),
        collector_name=row["collector_name"],
        borrower_name=row["borrower_name"],
    )


async def get_conversation(conn: AsyncConnection, conversation_id: str) -> Optional[Conversation]:
    row = (await conn.execute(_query().where(conversations.c.id == conversation_id))).mappings().first()
    return _conversation(row) if row else None


async def find_open(conn: AsyncConnection, borrower_id: str) -> Optional[Conversation]:
    row = (
        (
            await conn.execute(
                _query()
                .where(conversations.c.borrower_id == borrower_id)
                .where(conversations.c.status.in_(OPEN))
                .order_by(conversations.c.created_at.desc())
                .limit(1)
            )
        )
        .mappings()
        .first()
    )
    return _conversation(row) if row else None


async def create(conn: AsyncConnection, borrower_id: str, now: datetime) -> Conversation:
    cid = uuid.uuid4().hex
    await conn.execute(
        conversations.insert().values(
            id=cid,
            borrower_id=borrower_id,
            status=ConversationStatus.BOT.value,
            last_seq=0,
            last_read_seq=0,
            created_at=now,
            updated_at=now,
            speaker=Speaker.HOLDER.value,
        )
    )
    # Inserted in this transaction (`one()` raises if it is somehow not there).
    return _conversation((await conn.execute(_query().where(conversations.c.id == cid))).mappings().one())


async def queue(conn: AsyncConnection) -> list[Conversation]:
    """Waiting for, or held by, a person: urgent first, then the longest wait."""
    rows = (await conn.execute(_query().where(conversations.c.status.in_(HUMAN)))).mappings().all()
    items = [_conversation(r) for r in rows]
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(items, key=lambda c: (c.priority.rank if c.priority else 3, c.waiting_since or far))


async def save_transition(conn: AsyncConnection, before: Conversation, after: Conversation, now: datetime) -> bool:
    """Write `after` if the row still is `before` (status and holder); False if it moved meanwhile."""
    result = await conn.execute(
        update(conversations)
        .where(conversations.c.id == before.conversation_id)
        .where(conversations.c.status == before.status.value)
        .where(
            conversations.c.collector_id.is_(None) if before.collector_id is None else conversations.c.collector_id == before.collector_id
        )
        .values(
            status=after.status.value,
            priority=after.priority.value if after.priority else None,
            reason=after.reason.value if after.reason else None,
            collector_id=after.collector_id,
            waiting_since=after.waiting_since,
            speaker=after.speaker.value,
            updated_at=now,
        )
    )
    return result.rowcount == 1


async def set_speaker(conn: AsyncConnection, conversation_id: str, speaker: Speaker, now: datetime) -> None:
    await conn.execute(update(conversations).where(conversations.c.id == conversation_id).values(speaker=speaker.value, updated_at=now))


async def set_acknowledged(conn: AsyncConnection, conversation_id: str, at: Optional[datetime]) -> None:
    await conn.execute(update(conversations).where(conversations.c.id == conversation_id).values(acknowledged_at=at))


async def acknowledged_at(conn: AsyncConnection, conversation_id: str) -> Optional[datetime]:
    value = (await conn.execute(select(conversations.c.acknowledged_at).where(conversations.c.id == conversation_id))).scalar()
    return value if isinstance(value, datetime) else None


async def mark_read(conn: AsyncConnection, conversation_id: str, seq: int) -> None:
    await conn.execute(
        update(conversations)
        .where(conversations.c.id == conversation_id)
        .where(conversations.c.last_read_seq < seq)
        .values(last_read_seq=case((conversations.c.last_seq < seq, conversations.c.last_seq), else_=seq))
    )


async def unread_count(conn: AsyncConnection, conversation_id: str, after_seq: int) -> int:
    return int(
        (
            await conn.execute(
                select(func.count())
                .select_from(messages)
                .where(
                    and_(
                        messages.c.conversation_id == conversation_id,
                        messages.c.seq > after_seq,
                        messages.c.internal.is_(False),
                        messages.c.sender_type != SenderType.BORROWER.value,
                    )
                )
            )
        ).scalar_one()
    )


async def count_between(conn: AsyncConnection, since: datetime, until: datetime) -> int:
    return int(
        (
            await conn.execute(
                select(func.count())
                .select_from(conversations)
                .where(conversations.c.created_at >= since)
                .where(conversations.c.created_at < until)
            )
        ).scalar_one()
    )
