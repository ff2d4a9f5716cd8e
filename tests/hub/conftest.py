"""Hub processes for the API suite, each suite on SQLite and on PostgreSQL.

- `hub`: one hub per database for the whole run, shared by the modules whose tests never interfere
  (widget, console, turns, lender): every test makes fresh Borrowers, and the console's login tests
  throttle only their own loopback addresses and usernames. A hub start costs seconds; this saves most.
- A module that must not share (hostile input compares row counts, webhooks need other settings)
  overrides `hub` with `yield from serve(database, logs)` on a fresh database of its own.
- Modules that restart hubs (restart, migrations) start them on `database` themselves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.hubproc import KINDS, HubProcess, hub_database, reap_lingering, serve

from hub.client import Api, Database


@pytest.fixture(scope="session", autouse=True)
def _reap() -> Iterator[None]:
    yield
    reap_lingering()


@pytest.fixture(scope="module", params=KINDS)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for this module: a SQLite file, then a PostgreSQL database."""
    with hub_database(request.param, tmp_path_factory.mktemp(request.param)) as url:
        yield url


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hub-logs")


@pytest.fixture(scope="session", params=KINDS)
def shared_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with hub_database(request.param, tmp_path_factory.mktemp(f"shared-{request.param}")) as url:
        yield url


@pytest.fixture(scope="session")
def hub(shared_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubProcess]:
    """The shared hub (see the module docstring); a module may override it with its own."""
    yield from serve(shared_database, tmp_path_factory.mktemp("shared-logs"))


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
