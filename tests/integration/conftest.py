"""The whole product as processes: action server + Rasa (the trained model) + hub, on free ports with a temp SQLite.

Run in the hub venv: `.venv/bin/python -m pytest -q -p no:cacheprovider tests/integration`.

One stack per run (support.fixtures.shared_stack): Rasa takes 30-60 s to load
its model, so the modules share it. Tests that crash a process restart it
themselves; `api` brings back anything still down before the next test.
Everything goes through the hub's public HTTP API, as a Borrower's widget, a
collector's console and a lender's admin calls would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hub.client import Api, Database
from support import fixtures as support_fixtures
from support.fixtures import shared_stack
from support.services import missing_service
from support.stack import Stack

from integration.stackkit import MODEL, HubAddress, ensure_running, log_tail


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest) -> Stack:
    if not MODEL.exists():
        missing_service("no trained model: run make train")
    return shared_stack(request)


@pytest.fixture
async def api(stack: Stack) -> AsyncIterator[Api]:
    ensure_running(stack)
    db = Database(stack.database_url)
    async with httpx.AsyncClient(base_url=stack.hub_url, timeout=60.0) as http:
        yield Api(HubAddress(stack.hub_url), http, db)  # type: ignore[arg-type]
    await db.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    """A failing test shows the end of each process's log."""
    report = yield
    stack = support_fixtures._stack
    if report.failed and call.when == "call" and stack is not None:
        for name in ("hub", "rasa", "actions"):
            report.sections.append((f"{name} log (tail)", log_tail(stack, name)))
    return report
