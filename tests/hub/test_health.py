"""Readiness (`GET /api/health`): ready while the database and at least one Rasa instance answer, with every
instance's state in the body; 503 only when the assistant path is really gone (or the database is).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional

import httpx
import pytest
from support.hubproc import HubProcess, serve
from support.services import free_port


class FakeRasa:
    """Answers 200 to every GET, like Rasa's `/` and an action server's `/health`; `stop()` closes the port."""

    def __init__(self) -> None:
        self.port = free_port()
        self._server: Optional[ThreadingHTTPServer] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, name="fake-rasa", daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture(scope="module")
def rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def hub(database: str, logs: Path, rasa: FakeRasa) -> Iterator[HubProcess]:
    """A hub with the real brain and two Rasa instances: the first answers, the second's port is closed."""
    down = f"http://127.0.0.1:{free_port()}"
    yield from serve(
        database,
        logs,
        name="health",
        KUANXIAN_BRAIN="rasa",
        KUANXIAN_RASA_URLS=f"{rasa.url},{down}",
        KUANXIAN_ACTIONS_URLS=f"{rasa.url},{down}",
    )


@pytest.fixture
async def http(hub: HubProcess, rasa: FakeRasa) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=hub.url, timeout=30.0) as client:
        yield client
    if rasa._server is None:
        rasa.start()


async def test_one_rasa_instance_down_is_reported_but_the_hub_stays_ready(http: httpx.AsyncClient) -> None:
    response = await http.get("/api/health")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "hub": "ok",
        "database": "ok",
        "rasa": "ok",
        "actions": "ok",
        "rasa1": "down",
        "actions1": "down",
        "ready": True,
    }


async def test_with_no_rasa_instance_answering_the_hub_is_not_ready(http: httpx.AsyncClient, rasa: FakeRasa) -> None:
    rasa.stop()
    response = await http.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert (body["database"], body["rasa"], body["rasa1"], body["ready"]) == ("ok", "down", "down", False)
    assert (await http.get("/api/health/live")).status_code == 200, "liveness is another question"


async def test_a_database_that_does_not_answer_is_reported_down() -> None:
    from kuanxian.hub.api.public import _database_up
    from kuanxian.storage.db import make_engine

    engine = make_engine(f"postgresql://nobody@127.0.0.1:{free_port()}/nothing")
    try:
        assert await _database_up(engine) == "down"
    finally:
        await engine.dispose()
