"""In-process fan-out of live frames to widget and console WebSockets."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any, AsyncIterator, DefaultDict, Set

Frame = dict[str, Any]
QUEUE_LIMIT = 1000


class Broker:
    """Subscribers get frames for one Conversation, or (the console) for all."""

    def __init__(self) -> None:
        self._by_conversation: DefaultDict[str, Set[asyncio.Queue[Frame]]] = defaultdict(set)
        self._console: Set[asyncio.Queue[Frame]] = set()

    def publish(self, conversation_id: str, frame: Frame) -> None:
        for queue in list(self._by_conversation.get(conversation_id, ())):
            _offer(queue, frame)

    def publish_console(self, frame: Frame) -> None:
        for queue in list(self._console):
            _offer(queue, frame)

    def connected(self, conversation_id: str) -> bool:
        return bool(self._by_conversation.get(conversation_id))

    def subscribe(self, conversation_id: str) -> "Subscription":
        return Subscription(self._by_conversation[conversation_id], self._cleanup(conversation_id))

    def subscribe_console(self) -> "Subscription":
        return Subscription(self._console, lambda: None)

    def _cleanup(self, conversation_id: str) -> Any:
        def run() -> None:
            if not self._by_conversation.get(conversation_id):
                self._by_conversation.pop(conversation_id, None)

        return run


class Subscription:
    """A bounded queue registered while the `async with` block runs."""

    def __init__(self, registry: Set[asyncio.Queue[Frame]], on_close: Any) -> None:
        self.queue: asyncio.Queue[Frame] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._registry = registry
        self._on_close = on_close

    async def __aenter__(self) -> "Subscription":
        self._registry.add(self.queue)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._registry.discard(self.queue)
        self._on_close()

    async def frames(self) -> AsyncIterator[Frame]:
        while True:
            yield await self.queue.get()


def _offer(queue: "asyncio.Queue[Frame]", frame: Frame) -> None:
    try:
        queue.put_nowait(frame)
    except asyncio.QueueFull:
        pass  # a stalled client catches up from seq on reconnect
