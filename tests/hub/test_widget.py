"""The Borrower's widget: sessions, messages, idempotency, the rate limit, the live stream, read marks, who may see what."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import jwt
import pytest
from support.hubproc import HubProcess
from websockets.exceptions import ConnectionClosed

from hub.client import Api, frames_until, recv_json

DEMO_SECRET = "kuanxian-demo-secret-not-for-production-use"  # the hub's KUANXIAN_SECRET in demo mode


def session_token(borrower_id: str, conversation_id: str, secret: str = DEMO_SECRET) -> str:
    """A widget session token as the hub signs them (typ=session, sub, cid, exp)."""
    now = int(time.time())
    return jwt.encode(
        {"typ": "session", "sub": borrower_id, "cid": conversation_id, "iat": now, "exp": now + 600}, secret, algorithm="HS256"
    )


async def test_a_message_is_accepted_then_answered(api: Api) -> None:
    widget = await api.widget()
    assert len(widget.conversation_id) == 32 and widget.session["status"] == "bot" and widget.session["unread"] == 0

    response = await widget.post("你好，我想问问我的账单", client_id="hello-1")
    assert response.status_code == 202
    assert response.json() == {"seq": 1}

    answers = await widget.answers_after(1)
    assert [m["sender_type"] for m in answers] == ["bot"]
    assert answers[0]["seq"] == 2 and answers[0]["text"] == "收到：你好，我想问问我的账单"
    mine = (await widget.messages())[0]
    assert mine["sender_type"] == "borrower" and mine["client_id"] == "hello-1"

    again = await widget.new_session()
    assert again["conversation_id"] == widget.conversation_id, "a second session resumes the open conversation"


@pytest.mark.parametrize("round_", range(4))
async def test_twenty_parallel_retries_make_one_message_and_one_answer(api: Api, round_: int) -> None:
    widget = await api.widget()
    responses = await asyncio.gather(*(widget.post("我这个月工资晚发，能不能晚几天还", client_id=f"retry-{round_}") for _ in range(20)))

    assert [r.status_code for r in responses] == [202] * 20, [r.text for r in responses if r.status_code != 202]
    assert {r.json()["seq"] for r in responses} == {1}

    messages = await widget.settled()
    assert [(m["seq"], m["sender_type"]) for m in messages] == [(1, "borrower"), (2, "bot")]
    assert messages[0]["client_id"] == f"retry-{round_}"


async def test_retries_do_not_use_up_the_rate_limit_but_the_21st_message_is_refused(api: Api) -> None:
    widget = await api.widget()
    first = await widget.send("第1条", client_id="rl-0")
    retries = await asyncio.gather(*(widget.post("第1条", client_id="rl-0") for _ in range(30)))
    assert {r.status_code for r in retries} == {202} and {r.json()["seq"] for r in retries} == {first}

    started = time.monotonic()
    for n in range(2, 21):
        response = await widget.post(f"第{n}条", client_id=f"rl-{n}")
        assert response.status_code == 202, f"message {n}: {response.status_code} {response.text}"
    refused = await widget.post("第21条", client_id="rl-21")
    assert time.monotonic() - started < 10, "the test must stay inside the 10 s window"

    assert refused.status_code == 429, refused.text
    assert refused.json()["error"] == "rate_limited"
    retry_after = int(refused.headers["retry-after"])
    assert 1 <= retry_after <= 10

    retry = await widget.post("第1条", client_id="rl-0")
    assert retry.status_code == 202 and retry.json()["seq"] == first, "a retry is answered even at the limit"

    texts = [m["text"] for m in await widget.settled() if m["sender_type"] == "borrower"]
    assert len(texts) == 20 and "第21条" not in texts


async def test_the_stream_replays_after_a_seq_then_sends_live_frames(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send("第一句"))
    await widget.answers_after(await widget.send("第二句"))  # seqs 1..4

    async with widget.stream(after=2) as ws:
        replayed = [await recv_json(ws), await recv_json(ws)]
        assert [(f["type"], f["message"]["seq"]) for f in replayed] == [("message", 3), ("message", 4)]
        assert replayed[0]["message"]["text"] == "第二句"
        status = await recv_json(ws)
        assert status == {"type": "status", "status": "bot", "collector_name": None}

        await widget.send("第三句")
        frames = await frames_until(ws, lambda f: f["type"] == "message" and f["message"]["sender_type"] == "bot", what="the live answer")
        seqs = [f["message"]["seq"] for f in frames if f["type"] == "message"]
        assert seqs == [5, 6]
        assert frames[-1]["message"]["text"] == "收到：第三句"

        await ws.send(json.dumps({"type": "message", "text": "从socket发的", "client_id": "ws-1"}))
        frames = await frames_until(
            ws,
            lambda f: f["type"] == "message" and f["message"]["text"] == "收到：从socket发的",
            what="the answer to a message sent on the socket",
        )
        mine = [f["message"] for f in frames if f["type"] == "message" and f["message"]["sender_type"] == "borrower"]
        assert [(m["seq"], m["client_id"]) for m in mine] == [(7, "ws-1")]


async def test_a_bad_frame_gets_an_error_frame_and_the_socket_stays_open(api: Api) -> None:
    widget = await api.widget()
    async with widget.stream() as ws:
        assert (await recv_json(ws))["type"] == "status"

        await ws.send("this is not json")
        error = await recv_json(ws)
        assert error["type"] == "error" and error["error"] == "bad_request"

        await ws.send(json.dumps({"type": "shout", "text": "hi"}))
        error = await recv_json(ws)
        assert error["type"] == "error" and error["error"] == "invalid"

        await ws.send(json.dumps({"type": "message", "text": "\u200b\u200d", "client_id": "zw-1"}))
        error = await recv_json(ws)
        assert error == {**error, "type": "error", "error": "invalid", "client_id": "zw-1"}

        await ws.send(b"\xff\xfe\x00")
        assert (await recv_json(ws))["type"] == "error"

        await ws.send(json.dumps({"type": "ping"}))
        assert await recv_json(ws) == {"type": "pong"}
    assert await widget.messages() == [], "no bad frame was stored"


async def test_read_marks_and_the_unread_count(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send("在吗"))  # 1 borrower, 2 bot

    fresh = await widget.new_session()
    assert (fresh["last_read_seq"], fresh["unread"]) == (0, 1), "the Borrower's own message is not unread"

    assert (await api.http.post("/api/widget/read", json={"seq": 2}, headers=widget.headers)).status_code == 204
    fresh = await widget.new_session()
    assert (fresh["last_read_seq"], fresh["unread"]) == (2, 0)

    await widget.answers_after(await widget.send("还在吗"))  # 3, 4
    assert (await widget.new_session())["unread"] == 1

    assert (await api.http.post("/api/widget/read", json={"seq": 1}, headers=widget.headers)).status_code == 204
    assert (await widget.new_session())["last_read_seq"] == 2, "a read mark never moves backwards"

    assert (await api.http.post("/api/widget/read", json={"seq": 1_000_000}, headers=widget.headers)).status_code == 204
    fresh = await widget.new_session()
    assert (fresh["last_read_seq"], fresh["unread"]) == (4, 0), "a mark past the end stops at the last message"


async def test_a_signed_session_for_a_conversation_that_does_not_exist_is_refused(api: Api) -> None:
    widget = await api.widget()
    ghost = uuid.uuid4().hex
    forged = {"authorization": f"Bearer {session_token(widget.borrower_id, ghost)}"}

    sent = await api.http.post("/api/widget/messages", json={"text": "你好"}, headers=forged)
    listed = await api.http.get("/api/widget/messages", headers=forged)
    read = await api.http.post("/api/widget/read", json={"seq": 1}, headers=forged)
    assert (sent.status_code, listed.status_code, read.status_code) == (401, 401, 401)
    assert sent.json()["error"] == "unauthorized"

    async with widget.stream(token=session_token(widget.borrower_id, ghost)) as ws:
        error = await recv_json(ws)
        assert error["type"] == "error" and error["error"] == "unauthorized"
        with pytest.raises(ConnectionClosed):
            await recv_json(ws, timeout=5)
        assert ws.close_code == 4401, "closed as unauthorized, not dropped"
    for table, column in (("conversations", "id"), ("messages", "conversation_id"), ("turns", "conversation_id")):
        assert await api.db.scalar(f"SELECT COUNT(*) FROM {table} WHERE {column} = :cid", cid=ghost) == 0, table
    assert await widget.messages() == []


async def test_another_borrowers_conversation_is_unreachable(api: Api) -> None:
    alice = await api.widget(display_name="甲")
    bob = await api.widget(display_name="乙")
    await bob.answers_after(await bob.send("乙的私事：下个月我换了工作"))

    assert await alice.messages() == []
    crossed = {"authorization": f"Bearer {session_token(alice.borrower_id, bob.conversation_id)}"}
    for response in (
        await api.http.get("/api/widget/messages", headers=crossed),
        await api.http.post("/api/widget/messages", json={"text": "偷看"}, headers=crossed),
        await api.http.post("/api/widget/read", json={"seq": 2}, headers=crossed),
    ):
        assert response.status_code == 401, response.text

    wrong_key = {
        "authorization": f"Bearer {session_token(bob.borrower_id, bob.conversation_id, secret='not-the-hub-secret-at-all-0123456789')}"
    }
    assert (await api.http.get("/api/widget/messages", headers=wrong_key)).status_code == 401
    for path in (f"/api/console/conversations/{bob.conversation_id}", "/api/console/queue", f"/api/admin/borrowers/{bob.borrower_id}"):
        assert (await api.http.get(path, headers=alice.headers)).status_code == 401, path

    assert [m["text"] for m in await bob.messages()] == ["乙的私事：下个月我换了工作", "收到：乙的私事：下个月我换了工作"]
    assert (await bob.new_session())["last_read_seq"] == 0


async def test_a_session_needs_a_valid_borrower_token_for_a_known_borrower(api: Api) -> None:
    from kuanxian.hub.auth import issue_borrower_token

    unknown = issue_borrower_token("nobody-here-1", "kuanxian-demo-borrower-secret-not-for-production")
    forged = issue_borrower_token("demo-001", "some-other-secret-that-the-hub-does-not-know")
    assert (await api.http.post("/api/widget/sessions", json={"borrower_token": unknown})).status_code == 404
    assert (await api.http.post("/api/widget/sessions", json={"borrower_token": forged})).status_code == 401


async def test_cors_preflight_for_the_widget(api: Api) -> None:
    response = await api.http.options(
        "/api/widget/messages",
        headers={
            "origin": "https://shop.lender.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
    )
    assert 200 <= response.status_code < 300, response.text
    assert response.headers["access-control-allow-origin"] in ("*", "https://shop.lender.example")
    assert "POST" in response.headers["access-control-allow-methods"].upper()
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed


@pytest.mark.parametrize("page", ["/console", "/"])
async def test_pages_may_only_be_framed_by_the_hub_itself(api: Api, page: str) -> None:
    response = await api.http.get(page)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    csp = [d.strip() for d in response.headers["content-security-policy"].split(";")]
    assert "frame-ancestors 'self'" in csp


async def test_the_openapi_description_lists_the_widget_api(api: Api, hub: HubProcess) -> None:
    spec = (await api.http.get("/api/openapi.json")).json()
    assert {"/api/widget/sessions", "/api/widget/messages", "/api/widget/read", "/api/admin/payments"} <= set(spec["paths"])
    assert "202" in spec["paths"]["/api/widget/messages"]["post"]["responses"]
