"""Conversations, Messages, Handoffs and Collectors in the shared database."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional, Sequence

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kuanxian.storage.schema import collectors, conversations, handoffs, messages

OPEN_STATUSES = ("bot", "waiting_for_collector", "with_collector")
HUMAN_STATUSES = ("waiting_for_collector", "with_collector")
PRIORITY_ORDER = {"urgent": 0, "high": 1, "normal": 2}


def utcnow() -> datetime:
    return datetime.now(tz=timezone.utc)


@dataclass(frozen=True)
class Message:
    seq: int
    sender_type: str
    text: str
    created_at: datetime
    buttons: tuple[dict[str, str], ...] = ()
    client_id: Optional[str] = None
    internal: bool = False
    sender_name: Optional[str] = None

    def to_json(self, *, console: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "seq": self.seq,
            "sender_type": self.sender_type,
            "text": self.text,
            "buttons": [dict(b) for b in self.buttons],
            "created_at": self.created_at.isoformat(),
            "sender_name": self.sender_name,
        }
        if self.client_id and self.sender_type == "borrower":
            body["client_id"] = self.client_id
        if console:
            body["internal"] = self.internal
        return body


@dataclass(frozen=True)
class Conversation:
    conversation_id: str
    borrower_id: str
    status: str
    priority: Optional[str]
    reason: Optional[str]
    collector_id: Optional[int]
    waiting_since: Optional[datetime]
    last_seq: int
    last_read_seq: int
    created_at: datetime
    collector_name: Optional[str] = None
    borrower_name: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "borrower_id": self.borrower_id,
            "borrower_name": self.borrower_name,
            "status": self.status,
            "priority": self.priority,
            "reason": self.reason,
            "collector_id": self.collector_id,
            "collector_name": self.collector_name,
            "waiting_since": self.waiting_since.isoformat() if self.waiting_since else None,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class NewMessage:
    sender_type: str
    text: str
    buttons: Sequence[dict[str, str]] = field(default_factory=tuple)
    client_id: Optional[str] = None
    internal: bool = False
    collector_id: Optional[int] = None


class HubStore:
    """The hub's queries; every write is one transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    # Conversations -------------------------------------------------------
    async def open_conversation(self, borrower_id: str) -> Conversation:
        """The Borrower's open Conversation, created when there is none."""
        existing = await self.find_open_conversation(borrower_id)
        if existing:
            return existing
        now = utcnow()
        cid = uuid.uuid4().hex
        async with self.engine.begin() as conn:
            await conn.execute(
                conversations.insert().values(
                    id=cid, borrower_id=borrower_id, status="bot", last_seq=0, last_read_seq=0,
                    created_at=now, updated_at=now,
                )
            )
        found = await self.get_conversation(cid)
        assert found is not None
        return found

    async def find_open_conversation(self, borrower_id: str) -> Optional[Conversation]:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    _conversation_query()
                    .where(conversations.c.borrower_id == borrower_id)
                    .where(conversations.c.status.in_(OPEN_STATUSES))
                    .order_by(conversations.c.created_at.desc())
                    .limit(1)
                )
            ).mappings().first()
        return _conversation(row) if row else None

    async def get_conversation(self, conversation_id: str) -> Optional[Conversation]:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(_conversation_query().where(conversations.c.id == conversation_id))
            ).mappings().first()
        return _conversation(row) if row else None

    async def queue(self) -> list[Conversation]:
        """Conversations waiting for, or held by, a person: urgent first, longest wait first."""
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(_conversation_query().where(conversations.c.status.in_(HUMAN_STATUSES)))
            ).mappings().all()
        items = [_conversation(r) for r in rows]
        far = datetime.max.replace(tzinfo=timezone.utc)
        return sorted(items, key=lambda c: (PRIORITY_ORDER.get(c.priority or "normal", 3), c.waiting_since or far))

    async def request_handoff(
        self, conversation_id: str, *, reason: str, priority: str, summary: str
    ) -> Optional[Conversation]:
        """bot → waiting_for_collector; a later, more urgent request raises the priority."""
        now = utcnow()
        async with self.engine.begin() as conn:
            row = (
                await conn.execute(select(conversations).where(conversations.c.id == conversation_id))
            ).mappings().first()
            if row is None or row["status"] == "resolved":
                return None
            await conn.execute(
                handoffs.insert().values(
                    conversation_id=conversation_id, reason=reason, priority=priority,
                    summary=summary, requested_at=now,
                )
            )
            if row["status"] == "bot":
                await conn.execute(
                    update(conversations).where(conversations.c.id == conversation_id).values(
                        status="waiting_for_collector", priority=priority, reason=reason,
                        waiting_since=now, collector_id=None, updated_at=now,
                    )
                )
            elif PRIORITY_ORDER[priority] < PRIORITY_ORDER.get(row["priority"] or "normal", 2):
                await conn.execute(
                    update(conversations).where(conversations.c.id == conversation_id).values(
                        priority=priority, reason=reason, updated_at=now
                    )
                )
        return await self.get_conversation(conversation_id)

    async def claim(self, conversation_id: str, collector_id: int) -> str:
        """Take the Conversation: 'claimed', 'already_yours', 'held_by_other' or 'not_waiting'."""
        now = utcnow()
        async with self.engine.begin() as conn:
            result = await conn.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id)
                .where(conversations.c.status == "waiting_for_collector")
                .values(status="with_collector", collector_id=collector_id, updated_at=now)
            )
            if result.rowcount == 1:
                await conn.execute(
                    update(handoffs)
                    .where(handoffs.c.conversation_id == conversation_id)
                    .where(handoffs.c.closed_at.is_(None))
                    .where(handoffs.c.collector_id.is_(None))
                    .values(collector_id=collector_id, claimed_at=now)
                )
                return "claimed"
            row = (
                await conn.execute(select(conversations).where(conversations.c.id == conversation_id))
            ).mappings().first()
        if row is None:
            return "missing"
        if row["status"] == "with_collector":
            return "already_yours" if row["collector_id"] == collector_id else "held_by_other"
        return "not_waiting"

    async def release(
        self, conversation_id: str, collector_id: int, *, outcome: str, agreed: str = ""
    ) -> bool:
        """with_collector → bot (handed_back) or → resolved; only by the holder."""
        now = utcnow()
        status = "bot" if outcome == "handed_back" else "resolved"
        async with self.engine.begin() as conn:
            result = await conn.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id)
                .where(conversations.c.status == "with_collector")
                .where(conversations.c.collector_id == collector_id)
                .values(status=status, collector_id=None, priority=None, reason=None, waiting_since=None, updated_at=now)
            )
            if result.rowcount != 1:
                return False
            await conn.execute(
                update(handoffs)
                .where(handoffs.c.conversation_id == conversation_id)
                .where(handoffs.c.closed_at.is_(None))
                .values(closed_at=now, outcome=outcome, agreed=agreed or None)
            )
        return True

    async def resolve_waiting(self, conversation_id: str) -> bool:
        """Resolve a Conversation still waiting (nobody claimed it)."""
        now = utcnow()
        async with self.engine.begin() as conn:
            result = await conn.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id)
                .where(conversations.c.status.in_(("waiting_for_collector", "bot")))
                .values(status="resolved", collector_id=None, updated_at=now)
            )
            await conn.execute(
                update(handoffs)
                .where(handoffs.c.conversation_id == conversation_id)
                .where(handoffs.c.closed_at.is_(None))
                .values(closed_at=now, outcome="resolved")
            )
        return result.rowcount == 1

    async def reopen(self, conversation_id: str) -> None:
        """resolved → bot: the Borrower wrote again after the Conversation ended."""
        async with self.engine.begin() as conn:
            await conn.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id)
                .where(conversations.c.status == "resolved")
                .values(status="bot", updated_at=utcnow())
            )

    async def mark_read(self, conversation_id: str, seq: int) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id)
                .where(conversations.c.last_read_seq < seq)
                .values(last_read_seq=case((conversations.c.last_seq < seq, conversations.c.last_seq), else_=seq))
            )

    async def unread_count(self, conversation_id: str, after_seq: int) -> int:
        async with self.engine.connect() as conn:
            return int(
                (
                    await conn.execute(
                        select(func.count()).select_from(messages).where(
                            and_(
                                messages.c.conversation_id == conversation_id,
                                messages.c.seq > after_seq,
                                messages.c.internal.is_(False),
                                messages.c.sender_type != "borrower",
                            )
                        )
                    )
                ).scalar_one()
            )

    # Messages ------------------------------------------------------------
    async def append(self, conversation_id: str, new: NewMessage) -> tuple[Message, bool]:
        """Append a Message with the next seq; (message, created). A repeated client_id returns the first."""
        if new.client_id:
            existing = await self.by_client_id(conversation_id, new.client_id)
            if existing:
                return existing, False
        for _ in range(5):
            now = utcnow()
            try:
                async with self.engine.begin() as conn:
                    # Taking the next number on the conversation row locks it (a row lock on
                    # PostgreSQL, the write lock on SQLite), so concurrent appends queue up
                    # instead of racing for max(seq) + 1 and running out of retries.
                    seq = await _take_seq(conn, conversation_id, now)
                    await conn.execute(
                        messages.insert().values(
                            conversation_id=conversation_id, seq=seq, sender_type=new.sender_type,
                            collector_id=new.collector_id, text=new.text,
                            buttons=json.dumps(list(new.buttons), ensure_ascii=False),
                            client_id=new.client_id, internal=new.internal, created_at=now,
                        )
                    )
            except IntegrityError:
                if new.client_id:
                    existing = await self.by_client_id(conversation_id, new.client_id)
                    if existing:
                        return existing, False
                continue  # a writer that bypassed the counter took this seq: try the next one
            sender_name = None
            if new.collector_id is not None:
                collector = await self.collector(new.collector_id)
                sender_name = collector["display_name"] if collector else None
            message = Message(
                seq=seq, sender_type=new.sender_type, text=new.text, created_at=now,
                buttons=tuple(dict(b) for b in new.buttons), client_id=new.client_id,
                internal=new.internal, sender_name=sender_name,
            )
            return message, True
        raise RuntimeError("could not allocate a message sequence number")

    async def by_client_id(self, conversation_id: str, client_id: str) -> Optional[Message]:
        rows = await self._messages(and_(messages.c.conversation_id == conversation_id, messages.c.client_id == client_id))
        return rows[0] if rows else None

    async def by_seq(self, conversation_id: str, seq: int) -> Optional[Message]:
        rows = await self._messages(and_(messages.c.conversation_id == conversation_id, messages.c.seq == seq))
        return rows[0] if rows else None

    async def messages_after(self, conversation_id: str, after: int, *, include_internal: bool = False, limit: int = 500) -> list[Message]:
        cond = and_(messages.c.conversation_id == conversation_id, messages.c.seq > after)
        if not include_internal:
            cond = and_(cond, messages.c.internal.is_(False))
        return await self._messages(cond, limit=limit)

    async def recent_buttons(self, conversation_id: str, limit: int = 20) -> list[dict[str, str]]:
        """Buttons the bot offered recently, newest first (to accept their payloads)."""
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(messages.c.buttons)
                    .where(messages.c.conversation_id == conversation_id)
                    .where(messages.c.sender_type == "bot")
                    .order_by(messages.c.seq.desc())
                    .limit(limit)
                )
            ).all()
        return [b for (raw,) in rows for b in json.loads(raw or "[]")]

    async def _messages(self, condition: Any, limit: int = 500) -> list[Message]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(messages, collectors.c.display_name)
                    .select_from(messages.outerjoin(collectors, messages.c.collector_id == collectors.c.id))
                    .where(condition)
                    .order_by(messages.c.seq)
                    .limit(limit)
                )
            ).mappings().all()
        return [
            Message(
                seq=r["seq"], sender_type=r["sender_type"], text=r["text"], created_at=r["created_at"],
                buttons=tuple(json.loads(r["buttons"] or "[]")), client_id=r["client_id"],
                internal=bool(r["internal"]), sender_name=r["display_name"],
            )
            for r in rows
        ]

    # Collectors ----------------------------------------------------------
    async def collector_by_username(self, username: str) -> Optional[dict[str, Any]]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(collectors).where(collectors.c.username == username))).mappings().first()
        return dict(row) if row else None

    async def collector(self, collector_id: int) -> Optional[dict[str, Any]]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(collectors).where(collectors.c.id == collector_id))).mappings().first()
        return dict(row) if row else None

    async def ensure_collector(self, username: str, display_name: str, password_hash: str) -> None:
        if await self.collector_by_username(username):
            return
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    collectors.insert().values(
                        username=username, display_name=display_name, password_hash=password_hash, created_at=utcnow()
                    )
                )
        except IntegrityError:
            pass  # another process created it first


async def _take_seq(conn: AsyncConnection, conversation_id: str, now: datetime) -> int:
    """The next seq, reserved on the (now locked) conversation row until the transaction ends."""
    bumped = await conn.execute(
        update(conversations).where(conversations.c.id == conversation_id)
        .values(last_seq=conversations.c.last_seq + 1, updated_at=now)
    )
    if bumped.rowcount != 1:
        raise LookupError(f"no conversation {conversation_id}")
    return int(
        (await conn.execute(select(conversations.c.last_seq).where(conversations.c.id == conversation_id))).scalar_one()
    )


def _conversation_query() -> Any:
    from kuanxian.storage.schema import borrowers

    return select(conversations, collectors.c.display_name.label("collector_name"), borrowers.c.display_name.label("borrower_name")).select_from(
        conversations.outerjoin(collectors, conversations.c.collector_id == collectors.c.id).outerjoin(
            borrowers, conversations.c.borrower_id == borrowers.c.id
        )
    )


def _conversation(row: Any) -> Conversation:
    return Conversation(
        conversation_id=row["id"], borrower_id=row["borrower_id"], status=row["status"], priority=row["priority"],
        reason=row["reason"], collector_id=row["collector_id"], waiting_since=row["waiting_since"],
        last_seq=row["last_seq"], last_read_seq=row["last_read_seq"], created_at=row["created_at"],
        collector_name=row["collector_name"], borrower_name=row["borrower_name"],
    )
