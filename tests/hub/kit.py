"""Plumbing shared by tests/hub and tests/browser: one stack per run, API helpers, polling.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Optional, TypeVar

import httpx
from websockets.exceptions import ConnectionClosed

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
ADMIN_TOKEN = "demo-admin-token"
COLLECTOR_USER, COLLECTOR_PASSWORD, COLLECTOR_NAME = "demo", "kuanxian-demo", "小李"
QUIET_SECONDS = 2.5  # how long we watch for a reply that must not come (a bot turn takes well under 1 s)

T = TypeVar("T")


from support import databases  # noqa: E402,F401 - re-exported for the hub tests
from support import stack as stack_support  # noqa: E402,F401
from support.fixtures import Stack, shared_stack  # noqa: E402,F401 - one stack per run, shared with tests/reminders
from support.services import free_port, missing_service  # noqa: E402,F401
from support.polling import TURN_TIMEOUT, eventually, eventually_sync  # noqa: E402,F401


@asynccontextmanager
async def hub_database(database_url: str) -> AsyncIterator[Any]:
    """The hub's own store on the stack's database, for arranging what the API cannot."""
    from kuanxian.hub.store import HubStore
    from kuanxian.storage import make_engine

    engine = make_engine(database_url)
    try:
        yield HubStore(engine)
    finally:
        await engine.dispose()


# Polling: see support.polling
def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def account_body(display_name: str = "测试先生", **overrides: Any) -> dict[str, Any]:
    """A lender's account upsert body (the issue's example, 12,000.00 CNY)."""
    body: dict[str, Any] = {
        "display_name": display_name, "timezone": "Asia/Shanghai", "currency": "CNY",
        "principal": "11200.00", "interest_and_fees": "800.00", "days_overdue": 15, "due_day": 15,
        "policy": {"min_installment": "300.00", "max_term_months": 24,
                   "payment_holiday_days": 60, "interest_freeze_on_hardship": True},
    }
    body.update(overrides)
    return body


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(f"[{m['seq']} {m['sender_type']}] {m['text']}" for m in messages)


# Async API helpers ----------------------------------------------------------------
@dataclass
class Session:
    """A borrower's widget session."""

    api: "HubApi"
    borrower_id: str
    conversation_id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def post(self, text: Any, client_id: Optional[str] = None) -> httpx.Response:
        body: dict[str, Any] = {"text": text}
        if client_id is not None:
            body["client_id"] = client_id
        return await self.api.http.post("/api/widget/messages", json=body, headers=self.auth)

    async def say(self, text: str) -> int:
        """Send a message; the hub accepts it (202) and gives its seq."""
        response = await self.post(text, client_id=unique("c"))
        assert response.status_code == 202, response.text
        return int(response.json()["seq"])

    async def messages(self, after: int = 0) -> list[dict[str, Any]]:
        response = await self.api.http.get("/api/widget/messages", params={"after": after}, headers=self.auth)
        assert response.status_code == 200, response.text
        return response.json()["messages"]

    async def wait_for(self, predicate: Callable[[dict[str, Any]], bool], *, after: int = 0,
                       timeout: float = TURN_TIMEOUT, what: str = "a message") -> dict[str, Any]:
        seen: list[dict[str, Any]] = []

        async def check() -> Optional[dict[str, Any]]:
            seen[:] = await self.messages(after)
            return next((m for m in seen if predicate(m)), None)

        try:
            return await eventually(check, timeout=timeout, what=what)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the borrower saw after seq {after}:\n{texts(seen)}") from None

    async def wait_for_bot(self, after: int, *, containing: str = "", timeout: float = TURN_TIMEOUT) -> dict[str, Any]:
        return await self.wait_for(
            lambda m: m["sender_type"] == "bot" and containing in m["text"], after=after, timeout=timeout,
            what=f"a bot message after seq {after}" + (f" containing {containing!r}" if containing else ""),
        )

    async def stays_quiet(self, after: int, *, senders: tuple[str, ...] = ("bot",), seconds: float = QUIET_SECONDS) -> None:
        """Nothing from `senders` appears after `after` for `seconds` (a bounded watch, not a sleep)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            unexpected = [m for m in await self.messages(after) if m["sender_type"] in senders]
            assert not unexpected, f"expected no {senders} message after seq {after}, got:\n{texts(unexpected)}"
            await asyncio.sleep(0.2)


class HubApi:
    """Thin client for the hub's public API."""

    def __init__(self, base_url: str, database_url: str = "") -> None:
        self.base_url = base_url
        self.database_url = database_url  # the hub's database, for arranging what the API cannot
        self.http = httpx.AsyncClient(base_url=base_url, timeout=30.0)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def new_borrower(self, prefix: str = "t", **body: Any) -> str:
        borrower_id = unique(prefix)
        response = await self.http.put(f"/api/admin/borrowers/{borrower_id}", json=account_body(**body),
                                       headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert response.status_code == 201, response.text
        return borrower_id

    async def borrower_token(self, borrower_id: str) -> str:
        response = await self.http.post("/api/demo/borrower-token", json={"borrower_id": borrower_id})
        assert response.status_code == 200, response.text
        return response.json()["token"]

    async def open_session(self, borrower_id: str) -> Session:
        token = await self.borrower_token(borrower_id)
        response = await self.http.post("/api/widget/sessions", json={"borrower_token": token})
        assert response.status_code in (200, 201), response.text
        body = response.json()
        return Session(self, borrower_id, body["conversation_id"], body["session_token"])

    async def new_session(self, prefix: str = "t", **body: Any) -> Session:
        return await self.open_session(await self.new_borrower(prefix, **body))

    async def login(self, username: str = COLLECTOR_USER, password: str = COLLECTOR_PASSWORD) -> "Console":
        response = await self.http.post("/api/console/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        return Console(self, response.json()["token"])


@dataclass
class Console:
    """A logged-in collector."""

    api: HubApi
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def get(self, path: str) -> httpx.Response:
        return await self.api.http.get(f"/api/console{path}", headers=self.auth)

    async def post(self, path: str, body: Any = None) -> httpx.Response:
        return await self.api.http.post(f"/api/console{path}", json=body, headers=self.auth)

    async def queue(self) -> list[dict[str, Any]]:
        response = await self.get("/queue")
        assert response.status_code == 200, response.text
        return response.json()["conversations"]

    async def detail(self, conversation_id: str) -> dict[str, Any]:
        response = await self.get(f"/conversations/{conversation_id}")
        assert response.status_code == 200, response.text
        return response.json()

    async def wait_status(self, conversation_id: str, status: str, timeout: float = TURN_TIMEOUT) -> dict[str, Any]:
        last: dict[str, Any] = {}

        async def check() -> Optional[dict[str, Any]]:
            last.update(await self.detail(conversation_id))
            return last if last["conversation"]["status"] == status else None

        try:
            return await eventually(check, timeout=timeout, what=f"conversation status {status!r}")
        except AssertionError as exc:
            raise AssertionError(
                f"{exc}; it is {last.get('conversation', {}).get('status')!r}; transcript:\n{texts(last.get('messages', []))}"
            ) from None


async def resolve(api: HubApi, conversation_id: str) -> None:
    """Take a test conversation out of the queue again (any collector may resolve a waiting one)."""
    console = await api.login()
    response = await console.post(f"/conversations/{conversation_id}/resolve")
    assert response.status_code == 200, response.text


class Frames:
    """Reads JSON frames from a widget stream, remembering everything seen."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.seen: list[dict[str, Any]] = []

    async def until(self, predicate: Callable[[dict[str, Any]], bool], *, timeout: float = TURN_TIMEOUT,
                    what: str = "a frame") -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                frame = json.loads(await asyncio.wait_for(self.ws.recv(), max(remaining, 0.01)))
            except (asyncio.TimeoutError, ConnectionClosed) as exc:
                raise AssertionError(f"no {what} ({type(exc).__name__}); frames seen: {self.seen}") from None
            self.seen.append(frame)
            if predicate(frame):
                return frame

    def messages(self) -> list[dict[str, Any]]:
        return [f["message"] for f in self.seen if f["type"] == "message"]


# Sync helpers (browser tests run Playwright's sync API) ----------------------------
class SyncApi:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30.0)

    def close(self) -> None:
        self.http.close()

    def new_borrower(self, prefix: str = "b", **body: Any) -> str:
        borrower_id = unique(prefix)
        response = self.http.put(f"/api/admin/borrowers/{borrower_id}", json=account_body(**body),
                                 headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert response.status_code == 201, response.text
        return borrower_id

    def console_token(self) -> str:
        response = self.http.post("/api/console/login", json={"username": COLLECTOR_USER, "password": COLLECTOR_PASSWORD})
        assert response.status_code == 200, response.text
        return response.json()["token"]

    def conversation_of(self, borrower_id: str, console_token: str) -> Optional[dict[str, Any]]:
        """The borrower's conversation as the queue lists it, if it is in the queue."""
        response = self.http.get("/api/console/queue", headers={"Authorization": f"Bearer {console_token}"})
        assert response.status_code == 200, response.text
        return next((c for c in response.json()["conversations"] if c["borrower_id"] == borrower_id), None)

    def detail(self, conversation_id: str, console_token: str) -> dict[str, Any]:
        response = self.http.get(f"/api/console/conversations/{conversation_id}", headers={"Authorization": f"Bearer {console_token}"})
        assert response.status_code == 200, response.text
        return response.json()

    def open_session(self, borrower_id: str) -> tuple[str, str]:
        """(conversation_id, session_token) for the borrower's open conversation."""
        response = self.http.post("/api/demo/borrower-token", json={"borrower_id": borrower_id})
        assert response.status_code == 200, response.text
        response = self.http.post("/api/widget/sessions", json={"borrower_token": response.json()["token"]})
        assert response.status_code in (200, 201), response.text
        return response.json()["conversation_id"], response.json()["session_token"]

    def messages(self, session_token: str, after: int = 0) -> list[dict[str, Any]]:
        response = self.http.get("/api/widget/messages", params={"after": after}, headers={"Authorization": f"Bearer {session_token}"})
        assert response.status_code == 200, response.text
        return response.json()["messages"]

    def resolve(self, conversation_id: str, console_token: str) -> None:
        response = self.http.post(f"/api/console/conversations/{conversation_id}/resolve", headers={"Authorization": f"Bearer {console_token}"})
        assert response.status_code in (200, 409), response.text  # 409: already resolved
