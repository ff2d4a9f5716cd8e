"""Fixtures for the hub tests: the shared stack, an API client, and both databases."""

from __future__ import annotations

from typing import Any, AsyncIterator

import pytest

from .kit import HubApi, databases, shared_stack

database_url = databases.database_url  # SQLite and PostgreSQL, for the storage tests


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest) -> Any:
    """Action server + Rasa + hub on free loopback ports with a temp SQLite (one per run)."""
    return shared_stack(request)


@pytest.fixture
async def api(stack: Any) -> AsyncIterator[HubApi]:
    client = HubApi(stack.hub_url, stack.database_url)
    try:
        yield client
    finally:
        await client.aclose()
