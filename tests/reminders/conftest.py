"""Fixtures for the reminder tests: the shared stack, real databases, an injected clock."""

from __future__ import annotations

from typing import AsyncIterator

import pytest

from support.fixtures import Stack, database_url, postgres_database, stack  # noqa: F401 - fixtures re-exported

from .reminder_kit import FakeClock, Scheduler, at, open_scheduler

# Monday 2027-03-01 10:00 in Shanghai: daytime, well clear of quiet hours.
START = at("Asia/Shanghai", 2027, 3, 1, 10, 0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def scheduler(database_url: str, clock: FakeClock) -> AsyncIterator[Scheduler]:  # noqa: F811
    """Rules only: delivery would go to a closed port, so nothing here may need Rasa."""
    sched = await open_scheduler(database_url, clock)
    try:
        yield sched
    finally:
        await sched.close()


@pytest.fixture
async def delivering(database_url: str, clock: FakeClock, stack: Stack) -> AsyncIterator[Scheduler]:  # noqa: F811
    """An in-process hub on its own database whose RasaClient talks to the stack's real Rasa."""
    sched = await open_scheduler(database_url, clock, rasa_url=stack.rasa_url, actions_url=stack.actions_url)
    try:
        yield sched
    finally:
        await sched.close()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A throwaway PostgreSQL database (for the tests only PostgreSQL can answer)."""
    async for url in postgres_database():
        yield url
