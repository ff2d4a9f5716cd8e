"""Live frames for widget and console WebSockets, across hubs.

The broker listens to the bus and turns domain events into frames. Every
Message is stored (with its seq) before its frame exists, so a frame is only a
wake-up: a socket that sees a gap, or a client that reconnects, replays from
its last seq. With KUANXIAN_REDIS_URL the frames are also published on Redis,
so the console on hub B sees a Borrower's message sent to hub A at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Optional

from redis.asyncio import Redis

from kuanxian.domain.conversation import Conversation
from kuanxian.domain.events import Event, MessageStored, QueueChanged, StatusChanged, TypingChanged
from kuanxian.hub.protocol import FrameType, conversation_json, message_json

logger = logging.getLogger(__name__)

Frame = dict[str, Any]
QUEUE_LIMIT = 1000
CONSOLE = "console"
REDIS_CHANNEL = "kuanxian:frames"


class Subscription:
    """A bounded queue registered while the `async with` block runs."""

    def __init__(self, broker: Broker, channel: str) -> None:
        self.broker = broker
        self.channel = channel
        self.queue: asyncio.Queue[Frame] = asyncio.Queue(maxsize=QUEUE_LIMIT)

    async def __aenter__(self) -> Subscription:
        self.broker._subscribers[self.channel].add(self.queue)
        return self

    async def __aexit__(self, *exc: object) -> None:
        subscribers = self.broker._subscribers.get(self.channel)
        if subscribers is not None:
            subscribers.discard(self.queue)
            if not subscribers:
                self.broker._subscribers.pop(self.channel, None)

    async def frames(self) -> AsyncIterator[Frame]:
        while True:
            yield await self.queue.get()


class Broker:
    def __init__(self, queue_reader: Callable[[], Awaitable[list[Conversation]]], redis: Optional[Redis] = None) -> None:
        self._subscribers: defaultdict[str, set[asyncio.Queue[Frame]]] = defaultdict(set)
        self._queue_reader = queue_reader
        self.redis = redis
        self.origin = uuid.uuid4().hex
        self._relay: Optional[asyncio.Task[None]] = None

    # Subscribing ----------------------------------------------------------------
    def conversation(self, conversation_id: str) -> Subscription:
        return Subscription(self, f"conv:{conversation_id}")

    def console(self) -> Subscription:
        return Subscription(self, CONSOLE)

    # Publishing -------------------------------------------------------------------
    async def handle(self, event: Event) -> None:
        """Bus listener: events become frames."""
        if isinstance(event, MessageStored):
            message = event.message
            if not message.internal:
                await self.publish(f"conv:{event.conversation_id}", {"type": FrameType.MESSAGE.value, "message": message_json(message)})
            await self.publish(
                CONSOLE,
                {"type": FrameType.MESSAGE.value, "conversation_id": event.conversation_id, "message": message_json(message, console=True)},
            )
        elif isinstance(event, StatusChanged):
            c = event.conversation
            await self.publish(
                f"conv:{c.conversation_id}", {"type": FrameType.STATUS.value, "status": c.status.value, "collector_name": c.collector_name}
            )
            await self.publish(CONSOLE, {"type": FrameType.CONVERSATION.value, "conversation": conversation_json(c)})
        elif isinstance(event, TypingChanged):
            await self.publish(f"conv:{event.conversation_id}", {"type": FrameType.TYPING.value, "on": event.on})
        elif isinstance(event, QueueChanged):
            queue = await self._queue_reader()
            await self.publish(CONSOLE, {"type": FrameType.QUEUE.value, "conversations": [conversation_json(c) for c in queue]})

    async def publish(self, channel: str, frame: Frame) -> None:
        self._local(channel, frame)
        if self.redis is not None:
            try:
                await self.redis.publish(
                    REDIS_CHANNEL, json.dumps({"origin": self.origin, "channel": channel, "frame": frame}, ensure_ascii=False)
                )
            except Exception:  # Redis down: local sockets still get frames, others catch up from seq
                logger.warning("could not publish a frame on Redis", exc_info=True)

    def _local(self, channel: str, frame: Frame) -> None:
        for queue in list(self._subscribers.get(channel, ())):
            with contextlib.suppress(asyncio.QueueFull):  # a stalled client catches up from seq on reconnect
                queue.put_nowait(frame)

    def connected(self, conversation_id: str) -> bool:
        return bool(self._subscribers.get(f"conv:{conversation_id}"))

    # Relaying from other hubs -------------------------------------------------------
    async def start(self) -> None:
        if self.redis is not None and self._relay is None:
            self._relay = asyncio.get_running_loop().create_task(self._relay_forever(self.redis))

    async def stop(self) -> None:
        if self._relay is not None:
            self._relay.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._relay
            self._relay = None

    async def _relay_forever(self, redis: Redis) -> None:
        while True:
            try:
                pubsub = redis.pubsub()
                await pubsub.subscribe(REDIS_CHANNEL)
                async for item in pubsub.listen():
                    if item.get("type") != "message":
                        continue
                    try:
                        data = json.loads(item["data"])
                    except (TypeError, ValueError):
                        continue
                    if data.get("origin") != self.origin and isinstance(data.get("frame"), dict):
                        self._local(str(data.get("channel")), data["frame"])
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("Redis relay lost; reconnecting", exc_info=True)
                await asyncio.sleep(1.0)
