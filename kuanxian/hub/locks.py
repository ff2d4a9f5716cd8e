"""One turn at a time per Conversation, across every hub.

Locally an asyncio.Lock per Conversation; with KUANXIAN_REDIS_URL also a Redis
lock with an expiry, so a second hub waits its turn and a dead hub's lock
lapses on its own (docs/deploy.md).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Optional

from redis.asyncio import Redis

LOCK_EXPIRY_SECONDS = 90
LOCK_WAIT_SECONDS = 120


class TurnLocks:
    def __init__(self, redis: Optional[Redis] = None) -> None:
        self.redis = redis
        self._local: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @contextlib.asynccontextmanager
    async def turn(self, conversation_id: str) -> AsyncIterator[None]:
        local = self._local[conversation_id]
        async with local:
            if self.redis is None:
                yield
                return
            lock = self.redis.lock(
                f"kuanxian:turn:{conversation_id}", timeout=LOCK_EXPIRY_SECONDS, blocking_timeout=LOCK_WAIT_SECONDS, sleep=0.05
            )
            acquired = await lock.acquire()
            try:
                yield  # if the lock could not be had in time, go on: a late answer beats none
            finally:
                if acquired:
                    with contextlib.suppress(Exception):
                        await lock.release()
        if not local.locked() and conversation_id in self._local and not local._waiters:  # type: ignore[attr-defined]
            self._local.pop(conversation_id, None)
