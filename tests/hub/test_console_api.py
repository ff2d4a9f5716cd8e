"""The collector console's API, health, OpenAPI, and the production start-up guard."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import datetime
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from kuanxian.hub.auth import issue_console_token
from kuanxian.hub.settings import DEMO_SECRET

from .kit import COLLECTOR_NAME, ROOT, Frames, HubApi, free_port, hub_database, resolve, unique

@pytest.mark.rasa
async def test_login_needs_the_right_password_and_every_console_call_needs_the_login(api: HubApi) -> None:
    for username, password in (("demo", "wrong-password"), ("nobody", "kuanxian-demo"), ("demo", "")):
        response = await api.http.post("/api/console/login", json={"username": username, "password": password})
        assert response.status_code == 401, response.text
        assert response.json()["error"] == "unauthorized"
    assert (await api.http.post("/api/console/login", json={"username": "demo"})).status_code == 422

    good = await api.http.post("/api/console/login", json={"username": "demo", "password": "kuanxian-demo"})
    assert good.status_code == 200 and good.json()["collector"]["display_name"] == COLLECTOR_NAME

    session = await api.open_session("demo-003")
    expired = issue_console_token(good.json()["collector"]["id"], DEMO_SECRET, ttl_seconds=-60)
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": f"Bearer {session.token}"},
                    {"Authorization": f"Bearer {expired}"}):
        for method, path in (("GET", "/api/console/queue"), ("GET", f"/api/console/conversations/{session.conversation_id}"),
                             ("POST", f"/api/console/conversations/{session.conversation_id}/claim"),
                             ("POST", f"/api/console/conversations/{session.conversation_id}/messages")):
            response = await api.http.request(method, path, headers=headers, json={"text": "你好"})
            assert response.status_code == 401, (method, path, headers, response.text)
            assert response.json()["error"] == "unauthorized"
    assert (await api.http.get("/api/console/queue", headers={"Authorization": f"Bearer {good.json()['token']}"})).status_code == 200


@pytest.mark.rasa
async def test_queue_is_urgent_then_high_then_normal_with_the_longest_wait_first(api: HubApi) -> None:
    sessions = {name: await api.new_session(f"queue-{name}") for name in ("a", "b", "c", "d", "e")}
    ids = {name: s.conversation_id for name, s in sessions.items()}
    async with hub_database(api.database_url) as store:
        for name, reason, priority in (("a", "request_human", "normal"), ("b", "request_human", "normal"),
                                       ("c", "complaint", "high"), ("d", "crisis", "urgent")):
            await store.request_handoff(ids[name], reason=reason, priority=priority, summary=f"queue test {name}")
    console = await api.login()
    try:
        queue = await console.queue()
        mine = [c for c in queue if c["conversation_id"] in ids.values()]
        assert [c["conversation_id"] for c in mine] == [ids["d"], ids["c"], ids["a"], ids["b"]]  # e is with the bot
        assert [c["priority"] for c in mine] == ["urgent", "high", "normal", "normal"]
        assert mine[0]["reason"] == "crisis" and mine[0]["borrower_id"] == sessions["d"].borrower_id
        assert all(c["status"] == "waiting_for_collector" for c in mine)
        assert all(datetime.fromisoformat(c["waiting_since"]).utcoffset() is not None for c in mine)
        # Across the whole queue the same order holds, whatever else other tests left in it.
        rank = {"urgent": 0, "high": 1, "normal": 2}
        keys = [(rank[c["priority"]], datetime.fromisoformat(c["waiting_since"])) for c in queue]
        assert keys == sorted(keys)

        # A claimed conversation stays in the queue (held by a person); a resolved one leaves it.
        assert (await console.post(f"/conversations/{ids['c']}/claim")).status_code == 200
        statuses = {c["conversation_id"]: c["status"] for c in await console.queue()}
        assert statuses[ids["c"]] == "with_collector"
        assert (await console.post(f"/conversations/{ids['c']}/resolve")).status_code == 200
        assert ids["c"] not in {c["conversation_id"] for c in await console.queue()}
    finally:
        for name in ("a", "b", "d"):
            await resolve(api, ids[name])


@pytest.mark.rasa
async def test_the_console_stream_brings_a_crisis_to_the_queue_the_moment_it_arrives(api: HubApi) -> None:
    console = await api.login()
    base = api.base_url.replace("http", "ws", 1) + "/api/console/stream?token="
    async with connect(base + "nonsense") as ws:
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["error"] == "unauthorized"
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401

    session = await api.new_session("live")
    async with connect(base + console.token) as ws:
        frames = Frames(ws)
        first = await frames.until(lambda f: True, what="the first frame")
        assert first["type"] == "queue" and isinstance(first["conversations"], list)
        seq = await session.say("我不想活了")
        said = await frames.until(lambda f: f["type"] == "message" and f.get("conversation_id") == session.conversation_id,
                                  what="the borrower's words on the console stream")
        assert (said["message"]["seq"], said["message"]["text"]) == (seq, "我不想活了")
        queued = await frames.until(
            lambda f: f["type"] == "queue" and any(c["conversation_id"] == session.conversation_id for c in f["conversations"]),
            what="a live queue update with the crisis",
        )
        [mine] = [c for c in queued["conversations"] if c["conversation_id"] == session.conversation_id]
        assert (mine["priority"], mine["reason"], mine["status"]) == ("urgent", "crisis", "waiting_for_collector")
        assert queued["conversations"][0]["priority"] == "urgent"
    await resolve(api, session.conversation_id)


@pytest.mark.rasa
async def test_nobody_sees_a_conversation_that_is_not_theirs(api: HubApi) -> None:
    console = await api.login()
    for method, path in (("GET", ""), ("POST", "/claim"), ("POST", "/messages"), ("POST", "/handback"), ("POST", "/resolve")):
        response = await api.http.request(method, f"/api/console/conversations/{unique('missing')}{path}",
                                          headers=console.auth, json={"text": "你好"})
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"] == "not_found"

    alice = await api.new_session("alice")
    bob = await api.new_session("bob")
    secret = await alice.say("我的银行卡尾号是8848")
    await alice.wait_for_bot(secret)
    hello = await bob.say("你好")
    await bob.wait_for_bot(hello)
    assert all("8848" not in m["text"] for m in await bob.messages())
    assert any("8848" in m["text"] for m in await alice.messages())
    # Bob's token is bound to Bob's conversation, whatever he asks for.
    response = await api.http.get("/api/widget/messages", params={"after": 0, "conversation_id": alice.conversation_id}, headers=bob.auth)
    assert all("8848" not in m["text"] for m in response.json()["messages"])


@pytest.mark.rasa
async def test_internal_notes_stay_in_the_console(api: HubApi) -> None:
    session = await api.new_session("note")
    console = await api.login()
    noted = await console.post(f"/conversations/{session.conversation_id}/notes", {"text": "借款人说下周发工资，内部备注"})
    assert noted.status_code == 201, noted.text
    assert (await console.post(f"/conversations/{session.conversation_id}/notes", {"text": "  "})).status_code == 422
    transcript = (await console.detail(session.conversation_id))["messages"]
    assert [(m["text"], m["internal"]) for m in transcript] == [("借款人说下周发工资，内部备注", True)]
    assert await session.messages() == []


@pytest.mark.rasa
async def test_health_reports_every_service_ok(api: HubApi) -> None:
    response = await api.http.get("/api/health")
    assert (response.status_code, response.json()) == (200, {"hub": "ok", "rasa": "ok", "actions": "ok"})


@pytest.mark.rasa
async def test_openapi_lists_the_public_api(api: HubApi) -> None:
    response = await api.http.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    expected = {
        "/api/health": "get", "/api/admin/borrowers/{id}": "put", "/api/demo/borrower-token": "post",
        "/api/widget/sessions": "post", "/api/widget/messages": "post", "/api/widget/stream": "get",
        "/api/console/login": "post", "/api/console/queue": "get", "/api/console/conversations/{id}": "get",
        "/api/console/conversations/{id}/claim": "post", "/api/console/conversations/{id}/messages": "post",
        "/api/console/conversations/{id}/handback": "post", "/api/console/conversations/{id}/resolve": "post",
    }
    for path, method in expected.items():
        assert method in spec["paths"].get(path, {}), path
    assert "get" in spec["paths"]["/api/widget/messages"]
    assert "422" in spec["paths"]["/api/console/conversations/{id}/messages"]["post"]["responses"]


# The production guard (no stack needed) ---------------------------------------------------
def run_hub(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUANXIAN_")}
    env.update({"KUANXIAN_HOME": str(ROOT), "KUANXIAN_PORT": str(free_port()), "KUANXIAN_SCHEDULER": "false",
                "KUANXIAN_DATABASE_URL": "sqlite+aiosqlite:////nonexistent-dir/never-created.db", **extra_env})
    try:
        return subprocess.run([sys.executable, "-m", "kuanxian.hub"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the hub started instead of refusing: {exc.stderr!r}") from None


STRONG = {"KUANXIAN_SECRET": "s" * 40, "KUANXIAN_BORROWER_TOKEN_SECRET": "b" * 40, "KUANXIAN_ADMIN_TOKEN": "a" * 40}


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({}, "KUANXIAN_SECRET"),
        ({**STRONG, "KUANXIAN_DEMO": "true"}, "demo mode"),
        ({**STRONG, "KUANXIAN_ADMIN_TOKEN": "demo-admin-token"}, "KUANXIAN_ADMIN_TOKEN"),
        ({**STRONG, "KUANXIAN_BORROWER_TOKEN_SECRET": "kuanxian-demo-borrower-secret"}, "KUANXIAN_BORROWER_TOKEN_SECRET"),
    ],
    ids=["demo-secrets", "demo-mode", "demo-admin-token", "demo-borrower-secret"],
)
def test_production_refuses_to_start_with_demo_secrets_or_demo_mode(extra: dict[str, Any], named: str) -> None:
    result = run_hub({"KUANXIAN_ENV": "production", **extra})
    assert result.returncode != 0
    assert "refusing to start" in result.stderr and named in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
