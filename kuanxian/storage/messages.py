"""Messages: append with the next seq (idempotent by client_id), read after a seq."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Optional

from sqlalchemy import and_, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kuanxian.domain.message import Button, Message, NewMessage, SenderType
from kuanxian.storage.schema import collectors, conversations, messages

if TYPE_CHECKING:
    from sqlalchemy.sql.expression import ColumnElement


class MessageAppendError(RuntimeError):
    """No seq could be allocated (the Conversation vanished, or contention never cleared)."""


def _buttons(raw: Optional[str]) -> tuple[Button, ...]:
    items = json.loads(raw or "[]")
    return tuple(Button(str(b.get("title", "")), str(b.get("payload", ""))) for b in items if isinstance(b, dict))


def _message(row: RowMapping) -> Message:
    return Message(
        seq=row["seq"],
        sender_type=SenderType(row["sender_type"]),
        text=row["text"],
        created_at=row["created_at"],
        buttons=_buttons(row["buttons"]),
        client_id=row["client_id"],
        internal=bool(row["internal"]),
        sender_name=row["display_name"],
        collector_id=row["collector_id"],
    )


async def _select(conn: AsyncConnection, condition: ColumnElement[bool], *, limit: int = 500, newest_first: bool = False) -> list[Message]:
    order = messages.c.seq.desc() if newest_first else messages.c.seq
    rows = (
        (
            await conn.execute(
                select(messages, collectors.c.display_name)
                .select_from(messages.outerjoin(collectors, messages.c.collector_id == collectors.c.id))
                .where(condition)
                .order_by(order)
                .limit(limit)
            )
        )
        .mappings()
        .all()
    )
    return [_message(r) for r in rows]


async def by_client_id(conn: AsyncConnection, conversation_id: str, client_id: str) -> Optional[Message]:
    found = await _select(conn, and_(messages.c.conversation_id == conversation_id, messages.c.client_id == client_id), limit=1)
    return found[0] if found else None


async def by_seq(conn: AsyncConnection, conversation_id: str, seq: int) -> Optional[Message]:
    found = await _select(conn, and_(messages.c.conversation_id == conversation_id, messages.c.seq == seq), limit=1)
    return found[0] if found else None


async def after(
    conn: AsyncConnection, conversation_id: str, seq: int, *, include_internal: bool = False, limit: int = 500
) -> list[Message]:
    cond = and_(messages.c.conversation_id == conversation_id, messages.c.seq > seq)
    if not include_internal:
        cond = and_(cond, messages.c.internal.is_(False))
    return await _select(conn, cond, limit=limit)


async def recent(conn: AsyncConnection, conversation_id: str, *, sender: SenderType, limit: int) -> list[Message]:
    """The newest Messages from one kind of sender, oldest first."""
    found = await _select(
        conn,
        and_(messages.c.conversation_id == conversation_id, messages.c.sender_type == sender.value, messages.c.internal.is_(False)),
        limit=limit,
        newest_first=True,
    )
    return list(reversed(found))


async def count_since(conn: AsyncConnection, conversation_id: str, sender: SenderType, since: datetime) -> tuple[int, Optional[datetime]]:
    """How many Messages from `sender` since `since`, and the oldest of them (for rate limits)."""
    row = (
        await conn.execute(
            select(func.count(), func.min(messages.c.created_at))
            .where(messages.c.conversation_id == conversation_id)
            .where(messages.c.sender_type == sender.value)
            .where(messages.c.created_at >= since)
        )
    ).first()
    if row is None:
        return 0, None
    return int(row[0]), row[1]


async def append_in(conn: AsyncConnection, conversation_id: str, new: NewMessage, now: datetime) -> Message:
    """Append inside the caller's transaction (the conversation row is locked by the seq bump)."""
    bumped = await conn.execute(
        update(conversations).where(conversations.c.id == conversation_id).values(last_seq=conversations.c.last_seq + 1, updated_at=now)
    )
    if bumped.rowcount != 1:
        raise MessageAppendError(f"no conversation {conversation_id}")
    seq = int((await conn.execute(select(conversations.c.last_seq).where(conversations.c.id == conversation_id))).scalar_one())
    await conn.execute(
        messages.insert().values(
            conversation_id=conversation_id,
            seq=seq,
            sender_type=new.sender_type.value,
            collector_id=new.collector_id,
            text=new.text,
            buttons=json.dumps([{"title": b.title, "payload": b.payload} for b in new.buttons], ensure_ascii=False),
            client_id=new.client_id,
            internal=new.internal,
            created_at=now,
        )
    )
    name = None
    if new.collector_id is not None:
        name = (await conn.execute(select(collectors.c.display_name).where(collectors.c.id == new.collector_id))).scalar()
    return Message(
        seq=seq,
        sender_type=new.sender_type,
        text=new.text,
        created_at=now,
        buttons=tuple(new.buttons),
        client_id=new.client_id,
        internal=new.internal,
        sender_name=name,
        collector_id=new.collector_id,
    )


async def append(engine: AsyncEngine, conversation_id: str, new: NewMessage, now: datetime) -> tuple[Message, bool]:
    """Append in its own transaction; a repeated client_id returns the first Message and False."""
    if new.client_id:
        async with engine.connect() as conn:
            existing = await by_client_id(conn, conversation_id, new.client_id)
        if existing:
            return existing, False
    try:
        async with engine.begin() as conn:
            return await append_in(conn, conversation_id, new, now), True
    except IntegrityError:
        if new.client_id:
            async with engine.connect() as conn:
                existing = await by_client_id(conn, conversation_id, new.client_id)
            if existing:
                return existing, False
        raise


async def recent_buttons(conn: AsyncConnection, conversation_id: str, limit: int = 20) -> list[Button]:
    rows = (
        await conn.execute(
            select(messages.c.buttons)
            .where(messages.c.conversation_id == conversation_id)
            .where(messages.c.sender_type == SenderType.BOT.value)
            .order_by(messages.c.seq.desc())
            .limit(limit)
        )
    ).all()
    return [b for (raw,) in rows for b in _buttons(raw)]
