"""One hub process per database per module, shared by tests that don't interfere (each uses fresh Borrowers).

A module that needs other settings (webhooks, restarts) starts its own hubs with
support.hubproc; `database` gives it a fresh SQLite file or PostgreSQL database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import httpx
import pytest

from hub.client import Api, Database
from support.hubproc import KINDS, HubProcess, hub_database, start_hub


@pytest.fixture(scope="module", params=KINDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for this module: a SQLite file, then a PostgreSQL database."""
    with hub_database(request.param, tmp_path_factory.mktemp(request.param)) as url:
        yield url


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hub-logs")


@pytest.fixture(scope="module")
def hub(database: str, logs: Path) -> Iterator[HubProcess]:
    process = start_hub(database, logs)
    yield process
    process.stop()


@pytest.fixture
async def db(hub: HubProcess) -> AsyncIterator[Database]:
    database = Database(hub.database_url)
    yield database
    await database.close()


@pytest.fixture
async def api(hub: HubProcess, db: Database) -> AsyncIterator[Api]:
    assert hub.alive(), f"the module's hub died; log:\n{hub.log_tail()}"
    async with httpx.AsyncClient(base_url=hub.url, timeout=30.0) as http:
        yield Api(hub, http, db)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    """A failing test shows the end of its hub's log."""
    report = yield
    if report.failed and call.when == "call":
        process = getattr(item, "funcargs", {}).get("hub")
        if isinstance(process, HubProcess):
            report.sections.append(("hub log (tail)", process.log_tail(60)))
    return report
