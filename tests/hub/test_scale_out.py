"""Two hubs on one PostgreSQL database with Redis: what one hub accepts, the other shows live, and one conversation's turns run in order.

Needs PostgreSQL and Redis on loopback (skips without them; fails under CI=true).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Optional

import httpx
import pytest
from redis.asyncio import Redis
from support.hubproc import HubProcess, postgres_database, redis_or_missing, serve
from support.polling import eventually
from websockets.asyncio.client import connect

from hub.client import Api, Database, Widget, frames_until, recv_json


@pytest.fixture(scope="module")
def redis_url() -> str:
    return redis_or_missing()


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="module")
def hub_a(pg_url: str, redis_url: str, logs: Path) -> Iterator[HubProcess]:
    yield from serve(pg_url, logs, name="hub-a", KUANXIAN_REDIS_URL=redis_url, KUANXIAN_INSTANCE="a")


@pytest.fixture(scope="module")
def hub_b(pg_url: str, redis_url: str, logs: Path, hub_a: HubProcess) -> Iterator[HubProcess]:
    yield from serve(pg_url, logs, name="hub-b", KUANXIAN_REDIS_URL=redis_url, KUANXIAN_INSTANCE="b")


@pytest.fixture
async def apis(hub_a: HubProcess, hub_b: HubProcess, pg_url: str) -> AsyncIterator[tuple[Api, Api]]:
    db = Database(pg_url)
    async with httpx.AsyncClient(base_url=hub_a.url, timeout=30) as a, httpx.AsyncClient(base_url=hub_b.url, timeout=30) as b:
        yield Api(hub_a, a, db), Api(hub_b, b, db)
    await db.close()


def on(api: Api, widget: Widget) -> Widget:
    """The same Borrower's session, talking to another hub."""
    return Widget(api, widget.borrower_id, widget.conversation_id, widget.token, widget.session)


async def test_a_message_sent_to_one_hub_shows_live_on_the_other(apis: tuple[Api, Api], hub_b: HubProcess) -> None:
    a, b = apis
    widget = await a.widget()
    lead = await b.console("lead")
    async with (
        connect(f"{hub_b.ws_url}/api/console/stream?token={lead.token}", open_timeout=10) as console,
        on(b, widget).stream() as borrower_socket,
    ):
        assert (await recv_json(console))["type"] == "queue"
        assert (await recv_json(borrower_socket))["type"] == "status"

        seq = await widget.send("从A发的消息")
        seen = await frames_until(
            console,
            lambda f: f.get("type") == "message" and f.get("conversation_id") == widget.conversation_id and f["message"]["seq"] == seq,
            what="the message on hub B's console",
        )
        assert seen[-1]["message"]["text"] == "从A发的消息"
        answer = await frames_until(
            borrower_socket,
            lambda f: f["type"] == "message" and f["message"]["sender_type"] == "bot",
            what="hub A's answer on the Borrower's socket to hub B",
        )
        assert answer[-1]["message"]["text"] == "收到：从A发的消息"


async def test_one_conversations_turns_run_in_order_across_hubs(apis: tuple[Api, Api], redis_url: str) -> None:
    a, b = apis
    widget = await a.widget()
    redis = Redis.from_url(redis_url)
    try:
        slow = await widget.send("!slow 1.5")

        async def locked() -> Optional[bool]:
            return bool(await redis.exists(f"kuanxian:turn:{widget.conversation_id}")) or None

        await eventually(locked, timeout=10, interval=0.02, what="hub A holding the conversation's turn lock")
        quick = await on(b, widget).send("你好")
    finally:
        await redis.aclose()

    messages = await on(b, widget).settled()
    answers = [m["text"] for m in messages if m["sender_type"] == "bot"]
    assert answers == ["抱歉让您久等了。", "收到：你好"], (
        f"hub B answered before hub A finished: {json.dumps(messages, ensure_ascii=False)}"
    )
    assert [m["seq"] for m in messages if m["sender_type"] == "borrower"] == [slow, quick]
