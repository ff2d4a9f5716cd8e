"""What the tests do to a running hub: the lender's, the Borrower's and the collector's side of the API.

    api = Api(hub, http, Database(hub.database_url))
    widget = await api.widget()                  # a fresh Borrower (admin PUT) with a widget session
    seq = await widget.send("你好")               # 202, then
    answer = await widget.answers_after(seq)     # what the Borrower sees in reply
    lead = await api.console("lead")             # a console user's token

Waits poll for the condition a user would see (support.polling.eventually),
never a fixed sleep; `Database` reads (and, where a test must age a timestamp,
writes) the hub's database directly.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Optional
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import text
from support.hubproc import HubProcess
from support.polling import eventually
from websockets.asyncio.client import ClientConnection, connect

ADMIN_TOKEN = "demo-admin-token"
ADMIN = {"authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "kuanxian-demo"
SHANGHAI = ZoneInfo("Asia/Shanghai")
WAIT = 20.0


def new_id(prefix: str = "b") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def today_shanghai() -> date:
    return datetime.now(tz=SHANGHAI).date()


def utc_now() -> datetime:
    return datetime.now(tz=UTC)


def policy(**overrides: Any) -> dict[str, Any]:
    body = {
        "min_installment": "300.00",
        "max_term_months": 24,
        "allowed_frequencies": ["monthly"],
        "payment_holiday_days": 0,
        "interest_freeze_on_hardship": False,
    }
    body.update(overrides)
    return body


def account(**overrides: Any) -> dict[str, Any]:
    """An account of 12,000.00 (the scripted brain negotiates over exactly this balance)."""
    body: dict[str, Any] = {
        "display_name": "测试借款人",
        "timezone": "Asia/Shanghai",
        "currency": "CNY",
        "principal": "11200.00",
        "interest_and_fees": "800.00",
        "days_overdue": 15,
        "due_day": 15,
        "policy": policy(),
    }
    body.update(overrides)
    return body


class Database:
    """Direct access to the hub's database, for what the API cannot show (pending turns, row counts)."""

    def __init__(self, url: str) -> None:
        from kuanxian.storage.db import make_engine

        self.engine = make_engine(url)
        self.postgres = not url.startswith("sqlite")

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.engine.connect() as conn:
            return (await conn.execute(text(sql), params)).scalar()

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.engine.connect() as conn:
            return list((await conn.execute(text(sql), params)).mappings().all())

    async def execute(self, sql: str, **params: Any) -> int:
        async with self.engine.begin() as conn:
            return (await conn.execute(text(sql), params)).rowcount

    async def counts(self) -> dict[str, int]:
        """Rows in every table of the schema: a before/after snapshot proves nothing was written."""
        from kuanxian.storage.schema import metadata

        out = {}
        async with self.engine.connect() as conn:
            for table in sorted(metadata.tables):
                out[table] = int((await conn.execute(text(f'SELECT COUNT(*) FROM "{table}"'))).scalar_one())
        return out

    async def update(self, table: str, where: dict[str, Any], **values: Any) -> int:
        """Change columns of matching rows through the schema's types (aware datetimes work on both databases)."""
        from sqlalchemy import and_, update

        from kuanxian.storage.schema import metadata

        t = metadata.tables[table]
        async with self.engine.begin() as conn:
            result = await conn.execute(update(t).where(and_(*(t.c[k] == v for k, v in where.items()))).values(**values))
            return result.rowcount

    async def pending_turns(self, conversation_id: Optional[str] = None) -> int:
        sql = "SELECT COUNT(*) FROM turns WHERE status = 'pending'"
        if conversation_id is None:
            return int(await self.scalar(sql))
        return int(await self.scalar(sql + " AND conversation_id = :cid", cid=conversation_id))

    async def close(self) -> None:
        await self.engine.dispose()


@dataclass
class Console:
    api: Api
    username: str
    token: str
    collector_id: int
    display_name: str
    role: str

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.api.http.get(f"/api/console{path}", headers=self.headers, **kwargs)

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        if body is not None:
            kwargs["json"] = body
        return await self.api.http.post(f"/api/console{path}", headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    async def claim(self, cid: str) -> httpx.Response:
        return await self.post(f"/conversations/{cid}/claim")

    async def reply(self, cid: str, text_: str) -> httpx.Response:
        return await self.post(f"/conversations/{cid}/messages", {"text": text_})

    async def note(self, cid: str, text_: str) -> httpx.Response:
        return await self.post(f"/conversations/{cid}/notes", {"text": text_})

    async def transcript(self, cid: str) -> dict[str, Any]:
        response = await self.get(f"/conversations/{cid}")
        assert response.status_code == 200, response.text
        return response.json()

    async def queue(self) -> list[dict[str, Any]]:
        response = await self.get("/queue")
        assert response.status_code == 200, response.text
        return response.json()["conversations"]

    async def queued(self, cid: str) -> Optional[dict[str, Any]]:
        return next((c for c in await self.queue() if c["conversation_id"] == cid), None)


@dataclass
class Widget:
    api: Api
    borrower_id: str
    conversation_id: str
    token: str
    session: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    async def post(self, text_: Any, client_id: Optional[str] = None) -> httpx.Response:
        body: dict[str, Any] = {"text": text_}
        if client_id is not None:
            body["client_id"] = client_id
        return await self.api.http.post("/api/widget/messages", json=body, headers=self.headers)

    async def send(self, text_: str, client_id: Optional[str] = None) -> int:
        response = await self.post(text_, client_id)
        assert response.status_code == 202, response.text
        return int(response.json()["seq"])

    async def messages(self, after: int = 0) -> list[dict[str, Any]]:
        response = await self.api.http.get("/api/widget/messages", params={"after": after}, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()["messages"]

    async def settled(self) -> list[dict[str, Any]]:
        """Every accepted message of this conversation has had its turn; then the transcript."""
        await eventually(lambda: self._no_pending(), timeout=WAIT, what=f"the turns of {self.conversation_id} to finish")
        return await self.messages()

    async def _no_pending(self) -> bool:
        return await self.api.db.pending_turns(self.conversation_id) == 0

    async def answers_after(self, seq: int) -> list[dict[str, Any]]:
        """The messages the Borrower was shown after their message `seq`, up to their next message (turn finished)."""
        messages = await self.settled()
        out = []
        for m in messages:
            if m["seq"] <= seq:
                continue
            if m["sender_type"] == "borrower":
                break
            out.append(m)
        return out

    async def wait_for(self, predicate: Any, what: str) -> dict[str, Any]:
        async def found() -> Optional[dict[str, Any]]:
            return next((m for m in await self.messages() if predicate(m)), None)

        return await eventually(found, timeout=WAIT, what=what)

    def stream(self, after: int = 0, token: Optional[str] = None) -> Any:
        url = f"{self.api.hub.ws_url}/api/widget/stream?token={token or self.token}&after={after}"
        return connect(url, open_timeout=10, close_timeout=2)

    async def new_session(self) -> dict[str, Any]:
        return await self.api.session(self.borrower_id)


class Api:
    def __init__(self, hub: HubProcess, http: httpx.AsyncClient, db: Database) -> None:
        self.hub = hub
        self.http = http
        self.db = db
        self._consoles: dict[str, Console] = {}

    async def admin_get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(f"/api/admin{path}", headers=ADMIN, **kwargs)

    async def admin_post(self, path: str, body: Any) -> httpx.Response:
        return await self.http.post(f"/api/admin{path}", json=body, headers=ADMIN)

    async def put_borrower(self, borrower_id: str, body: Any) -> httpx.Response:
        from urllib.parse import quote

        return await self.http.put(f"/api/admin/borrowers/{quote(borrower_id, safe='')}", json=body, headers=ADMIN)

    async def borrower(self, borrower_id: Optional[str] = None, **fields: Any) -> str:
        bid = borrower_id or new_id()
        response = await self.put_borrower(bid, account(**fields))
        assert response.status_code == 201, response.text
        return bid

    async def account_of(self, borrower_id: str) -> dict[str, Any]:
        from urllib.parse import quote

        response = await self.admin_get(f"/borrowers/{quote(borrower_id, safe='')}")
        assert response.status_code == 200, response.text
        return response.json()

    async def borrower_token(self, borrower_id: str) -> str:
        response = await self.http.post("/api/demo/borrower-token", json={"borrower_id": borrower_id})
        assert response.status_code == 200, response.text
        return response.json()["token"]

    async def session(self, borrower_id: str) -> dict[str, Any]:
        token = await self.borrower_token(borrower_id)
        response = await self.http.post("/api/widget/sessions", json={"borrower_token": token})
        assert response.status_code == 201, response.text
        return response.json()

    async def widget(self, borrower_id: Optional[str] = None, **fields: Any) -> Widget:
        bid = await self.borrower(borrower_id, **fields)
        session = await self.session(bid)
        return Widget(self, bid, session["conversation_id"], session["session_token"], session)

    async def login(self, username: str, password: str = PASSWORD, **kwargs: Any) -> httpx.Response:
        return await self.http.post("/api/console/login", json={"username": username, "password": password}, **kwargs)

    async def console(self, username: str) -> Console:
        if username not in self._consoles:
            response = await self.login(username)
            assert response.status_code == 200, response.text
            body = response.json()
            who = body["collector"]
            self._consoles[username] = Console(self, username, body["token"], who["id"], who["display_name"], who["role"])
        return self._consoles[username]

    async def waiting_for_person(self, widget: Widget) -> dict[str, Any]:
        """Ask for a person the way a Borrower does, and wait until the console queue shows it."""
        await widget.send("我要转人工")
        demo = await self.console("demo")

        async def queued() -> Optional[dict[str, Any]]:
            return await demo.queued(widget.conversation_id)

        return await eventually(queued, timeout=WAIT, what="the conversation in the console queue")

    async def outcomes(self, start: date, end: date, fmt: str = "json") -> httpx.Response:
        return await self.admin_get("/metrics/outcomes", params={"from": start.isoformat(), "to": end.isoformat(), "format": fmt})

    async def agree_plan(self, widget: Widget, count: int = 12) -> dict[str, Any]:
        """The scripted negotiation: "分N期", then "确认"; returns the stored plan (admin API)."""
        offer = await widget.send(f"分{count}期")
        assert any("确认" in m["text"] for m in await widget.answers_after(offer)), "no offer was made"
        agreed = await widget.send("确认")
        await widget.answers_after(agreed)
        plans = [p for p in (await self.account_of(widget.borrower_id))["plans"] if p["status"] == "active"]
        assert len(plans) == 1, plans
        return plans[0]


async def recv_json(ws: ClientConnection, timeout: float = 10.0) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout=timeout))


async def frames_until(ws: ClientConnection, predicate: Any, *, timeout: float = WAIT, what: str = "a frame") -> list[dict[str, Any]]:
    """Every frame received until (and including) the first that satisfies `predicate`."""
    frames: list[dict[str, Any]] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError(f"timed out waiting for {what}; frames so far: {frames}")
        try:
            frame = await recv_json(ws, timeout=left)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}; frames so far: {frames}") from None
        frames.append(frame)
        if predicate(frame):
            return frames


def later(days: int = 0, hours: float = 0) -> datetime:
    return utc_now() + timedelta(days=days, hours=hours)
