"""One turn at a time per Conversation, across every hub.

Locally an asyncio.Lock per Conversation; with KUANXIAN_REDIS_URL also a Redis
lock with an expiry, so a second hub waits its turn and a dead hub's lock
lapses on its own (docs/deploy.md).

If Redis cannot be reached, the turn goes on under the local lock alone (a
warning is logged once per outage): Borrowers keep getting answers, and only
turns of one Conversation on two hubs at the same moment could overlap until
Redis is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Optional

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOCK_EXPIRY_SECONDS = 90
LOCK_WAIT_SECONDS = 120


class TurnLocks:
    def __init__(self, redis: Optional[Redis] = None) -> None:
        self.redis = redis
        self._local: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.redis_down = False

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
            try:
                acquired = await lock.acquire()
            except (RedisError, OSError) as exc:
                self._fell_back(conversation_id, exc)
                acquired = False
            else:
                self._recovered()
            try:
                yield  # if the lock could not be had in time (or at all), go on: a late answer beats none
            finally:
                if acquired:
                    with contextlib.suppress(Exception):
                        await lock.release()
        if not local.locked() and conversation_id in self._local and not local._waiters:  # type: ignore[attr-defined]
            self._local.pop(conversation_id, None)

    def _fell_back(self, conversation_id: str, exc: BaseException) -> None:
        if not self.redis_down:
            logger.warning(
                "redis_unreachable: turn locks fall back to this hub's local lock until Redis answers again "
                "(conversation_id=%s error=%s: %s)",
                conversation_id,
                type(exc).__name__,
                exc,
                extra={"event": "turn_lock_fallback", "conversation_id": conversation_id, "error": type(exc).__name__},
            )
        self.redis_down = True

    def _recovered(self) -> None:
        if self.redis_down:
            logger.warning("redis_reachable: turn locks are shared through Redis again", extra={"event": "turn_lock_recovered"})
        self.redis_down = False
