"""Polling with a deadline: tests wait for what a user would see, never a fixed sleep."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Optional, TypeVar

T = TypeVar("T")
TURN_TIMEOUT = 30.0  # one bot turn, or one scheduler round, on this 2-core machine


async def eventually(
    check: Callable[[], Awaitable[Optional[T]]], *, timeout: float = TURN_TIMEOUT, interval: float = 0.15, what: str = "condition"
) -> T:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result: Any = await check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        await asyncio.sleep(interval)


def eventually_sync(
    check: Callable[[], Optional[T]], *, timeout: float = TURN_TIMEOUT, interval: float = 0.2, what: str = "condition"
) -> T:
    """The same for synchronous checks (browser tests)."""
    deadline = time.monotonic() + timeout
    while True:
        result: Any = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)
