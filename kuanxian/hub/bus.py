"""The in-process event bus: the hub's parts publish domain events, listeners react.

Listeners (the live broker, the reminder scheduler, metrics) are registered at
start. Publishing happens after the transaction that caused the events has
committed; a failing listener is logged and never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from kuanxian.domain.events import Event

logger = logging.getLogger(__name__)


class Listener(Protocol):
    async def handle(self, event: Event) -> None:
        """React to one event."""
        ...


class EventBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def publish(self, events: Iterable[Event]) -> None:
        for event in events:
            for listener in self._listeners:
                try:
                    await listener.handle(event)
                except Exception:  # one listener's failure must not lose the event for the others
                    logger.exception("listener %s failed on %s", type(listener).__name__, type(event).__name__)
