"""One transaction, its domain events, and the outbox written with it.

async with transactions() as tx:
    ... writes on tx.conn, tx.emit(event) ...
# committed: webhook events were written to the outbox inside the transaction,
# then every event is published on the bus.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from kuanxian.domain.clock import Clock
from kuanxian.domain.events import Event, GuardBlocked
from kuanxian.hub.bus import EventBus
from kuanxian.storage import outbox
from kuanxian.storage.schema import blocked_texts


async def record_blocked(conn: AsyncConnection, events: list[Event], now: datetime) -> None:
    """Every guard block is counted for the outcomes dashboard (category and author, never the text)."""
    rows = [
        {"conversation_id": e.conversation_id, "author": e.author, "category": e.category, "rule_id": e.rule_id, "at": now}
        for e in events
        if isinstance(e, GuardBlocked)
    ]
    if rows:
        await conn.execute(blocked_texts.insert(), rows)


@dataclass
class Tx:
    conn: AsyncConnection
    now: datetime
    events: list[Event] = field(default_factory=list)

    def emit(self, *events: Event) -> None:
        self.events.extend(events)


class Transactions:
    def __init__(self, engine: AsyncEngine, bus: EventBus, clock: Clock) -> None:
        self.engine = engine
        self.bus = bus
        self.clock = clock
        # SQLite has one writer at a time. Writers queue here, not in SQLite's busy handler: a connection waiting
        # there holds its mutex in a worker thread, and the event loop froze (up to the 30 s busy timeout, then
        # "database is locked") whenever the garbage collector finalised a cursor of that connection meanwhile.
        self._one_writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Tx]:
        async with self._writing(), self.engine.begin() as conn:
            tx = Tx(conn, self.clock.now())
            yield tx
            await outbox.record(conn, tx.events, tx.now)
            await record_blocked(conn, tx.events, tx.now)
        await self.bus.publish(tx.events)

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[None]:
        if self._one_writer is None:
            yield
            return
        async with self._one_writer:
            yield

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            yield conn
