"""The borrower widget's API over real HTTP and real WebSockets, with the trained model behind it."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime
from typing import Any, Callable

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from kuanxian.hub.auth import issue_borrower_token
from kuanxian.hub.settings import DEMO_BORROWER_SECRET

from .kit import Frames, HubApi, Session, hub_database, resolve, texts, unique

pytestmark = pytest.mark.rasa


def error_of(response: Any) -> dict[str, Any]:
    """Every refusal is a clear JSON error."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert isinstance(body.get("error"), str) and isinstance(body.get("message"), str), body
    return body


# Sessions ---------------------------------------------------------------------------
async def test_sessions_need_a_valid_unexpired_token_for_a_known_borrower(api: HubApi) -> None:
    async def session_with(token: Any) -> Any:
        return await api.http.post("/api/widget/sessions", json={"borrower_token": token})

    for token in ("not-a-token", None, issue_borrower_token("demo-002", "a-secret-the-hub-does-not-know-at-all-0123456789")):
        response = await session_with(token)
        assert response.status_code == 401, token
        assert error_of(response)["error"] == "unauthorized"
    expired = await session_with(issue_borrower_token("demo-002", DEMO_BORROWER_SECRET, ttl_seconds=-60))
    assert expired.status_code == 401 and "expired" in error_of(expired)["message"]

    unknown = await session_with(issue_borrower_token(unique("nobody"), DEMO_BORROWER_SECRET))
    assert unknown.status_code == 404 and error_of(unknown)["error"] == "not_found"
    demo_unknown = await api.http.post("/api/demo/borrower-token", json={"borrower_id": unique("nobody")})
    assert demo_unknown.status_code == 404


async def test_the_same_borrower_gets_back_their_open_conversation(api: HubApi) -> None:
    borrower_id = await api.new_borrower("same")
    first = await api.open_session(borrower_id)
    second = await api.open_session(borrower_id)
    assert first.conversation_id == second.conversation_id
    seq = await first.say("你好")
    assert [m["seq"] for m in await second.messages() if m["sender_type"] == "borrower"] == [seq]
    other = await api.new_session("other")
    assert other.conversation_id != first.conversation_id


# Posting ------------------------------------------------------------------------------
async def test_post_is_accepted_with_a_seq_and_a_retry_with_the_same_client_id_is_stored_once(api: HubApi) -> None:
    session = await api.new_session("post")
    first = await session.post("你好", client_id="retry-1")
    assert first.status_code == 202, first.text
    seq = first.json()["seq"]
    assert isinstance(seq, int) and seq >= 1
    retry = await session.post("你好", client_id="retry-1")
    assert (retry.status_code, retry.json()["seq"]) == (202, seq)
    await session.wait_for_bot(seq)
    borrower_messages = [m for m in await session.messages() if m["sender_type"] == "borrower"]
    assert [(m["seq"], m["text"], m.get("client_id")) for m in borrower_messages] == [(seq, "你好", "retry-1")]


async def test_bad_input_gets_a_clear_json_error_and_nothing_is_written(api: HubApi) -> None:
    session = await api.new_session("bad")
    async with hub_database(api.database_url) as store:  # no bot turns: keep this conversation with a person
        await store.request_handoff(session.conversation_id, reason="request_human", priority="normal", summary="bad input test")
    try:
        cases: list[tuple[Any, int]] = [("", 422), ("   \n\t ", 422), ("慢" * 2001, 413), (12345, 422)]
        for text, status in cases:
            response = await session.post(text, client_id=unique("bad"))
            assert response.status_code == status, (repr(text)[:20], response.text)
            assert error_of(response)["field"] == "text"

        for client_id in (123, "", "x" * 129):
            response = await session.post("你好", client_id=client_id)  # type: ignore[arg-type]
            assert response.status_code == 422 and error_of(response)["field"] == "client_id", response.text

        for raw in (b'{"text": "\xe4\xbd\xa0', b"{'text': 'hi'}", b"[1, 2]", b""):
            response = await api.http.post("/api/widget/messages", content=raw, headers={**session.auth, "Content-Type": "application/json"})
            assert response.status_code == 400, (raw, response.text)
            assert error_of(response)["error"] == "bad_request"

        console_token = (await api.login()).token
        borrower_token = await api.borrower_token(session.borrower_id)
        for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Bearer nonsense"},
                        {"Authorization": session.token},  # no "Bearer "
                        {"Authorization": f"Bearer {console_token}"}, {"Authorization": f"Bearer {borrower_token}"}):
            response = await api.http.post("/api/widget/messages", json={"text": "你好"}, headers=headers)
            assert response.status_code == 401, (headers, response.text)
            assert error_of(response)["error"] == "unauthorized"
            assert (await api.http.get("/api/widget/messages", headers=headers)).status_code == 401

        assert await session.messages() == []  # nothing lost, nothing half-written

        longest = await session.post("好" * 2000, client_id=unique("max"))
        assert longest.status_code == 202, longest.text
        [stored] = await session.messages()
        assert stored["text"] == "好" * 2000
    finally:
        await resolve(api, session.conversation_id)


async def test_more_than_20_messages_in_10_seconds_from_one_session_is_refused_with_429(api: HubApi) -> None:
    session = await api.new_session("rate")
    async with hub_database(api.database_url) as store:  # a person holds it: no bot turns
        await store.request_handoff(session.conversation_id, reason="request_human", priority="normal", summary="rate test")
    try:
        started = time.monotonic()
        seqs = []
        for i in range(20):
            response = await session.post(f"第{i + 1}条", client_id=f"rate-{i}")
            assert response.status_code == 202, (i, response.text)
            seqs.append(response.json()["seq"])
        refused = await session.post("第21条", client_id="rate-20")
        assert time.monotonic() - started < 9, "too slow to exercise the 10 s window"
        assert refused.status_code == 429, refused.text
        body = error_of(refused)
        assert body["error"] == "rate_limited" and body["retry_after"] > 0
        # A retry of a message that was accepted is still answered with its seq.
        assert (await session.post("第5条", client_id="rate-4")).json() == {"seq": seqs[4]}
        # Another borrower is not affected.
        assert (await (await api.new_session("rate-other")).post("你好")).status_code == 202

        stored = await session.messages()
        assert [m["text"] for m in stored] == [f"第{i + 1}条" for i in range(20)]
        assert [m["seq"] for m in stored] == seqs == list(range(seqs[0], seqs[0] + 20))
    finally:
        await resolve(api, session.conversation_id)


async def test_get_messages_after_a_seq_returns_only_later_messages(api: HubApi) -> None:
    session = await api.new_session("after")
    first = await session.say("你好")
    bot = await session.wait_for_bot(first)
    second = await session.say("谢谢")
    await session.wait_for_bot(second)

    everything = await session.messages(0)
    seqs = [m["seq"] for m in everything]
    assert seqs == sorted(set(seqs)) and {first, bot["seq"], second} <= set(seqs)
    assert [m["seq"] for m in await session.messages(second)] == [s for s in seqs if s > second]
    assert await session.messages(seqs[-1]) == []
    for message in everything:
        assert set(message) >= {"seq", "sender_type", "text", "buttons", "created_at"}
        assert datetime.fromisoformat(message["created_at"]).utcoffset() is not None
    for bad in ("-1", "abc"):
        response = await api.http.get("/api/widget/messages", params={"after": bad}, headers=session.auth)
        assert response.status_code == 422 and error_of(response)["field"] == "after"


async def test_greeting_turn_names_the_borrower(api: HubApi) -> None:
    session = await api.open_session("demo-001")
    seq = await session.say("你好")
    reply = await session.wait_for_bot(seq)
    assert "王女士" in reply["text"], reply
    assert reply["buttons"] and all(b["title"] and b["payload"] for b in reply["buttons"])


# WebSocket ----------------------------------------------------------------------------
def stream_url(api: HubApi, session: Session, after: int) -> str:
    return f"{api.base_url.replace('http', 'ws', 1)}/api/widget/stream?token={session.token}&after={after}"


def is_status(frame: dict[str, Any]) -> bool:
    return frame["type"] == "status"


def bot_after(seq: int) -> Callable[[dict[str, Any]], bool]:
    return lambda f: f["type"] == "message" and f["message"]["sender_type"] == "bot" and f["message"]["seq"] > seq


async def test_stream_replays_after_seq_then_pushes_typing_and_the_bot_reply(api: HubApi) -> None:
    session = await api.new_session("ws", display_name="赵先生")
    hello = await session.say("你好")
    await session.wait_for_bot(hello)
    history = await session.messages()

    async with connect(stream_url(api, session, 0)) as ws:
        frames = Frames(ws)
        status = await frames.until(is_status, what="the status frame after the replay")
        assert status["status"] == "bot"
        assert frames.messages() == history  # the replay is exactly the history, in order

        sent = await session.say("我现在欠多少钱")
        reply = await frames.until(bot_after(sent), what="the bot's live reply")
        await frames.until(lambda f: f == {"type": "typing", "on": False}, what="typing off after the reply")
        live = frames.seen[len(history) + 1:]
        kinds = [(f["type"], f.get("on") if f["type"] == "typing" else f["message"]["sender_type"]) for f in live]
        # The borrower's own message, then typing while the bot thinks, its reply, and typing off.
        assert kinds[0] == ("message", "borrower") and live[0]["message"]["seq"] == sent, kinds
        assert kinds.index(("typing", True)) < live.index(reply) < kinds.index(("typing", False)), kinds
        assert reply["message"] in await session.messages(sent)

    async with connect(stream_url(api, session, hello)) as ws:  # a later reconnect from an older seq
        frames = Frames(ws)
        await frames.until(is_status, what="the status frame")
        assert frames.messages() == await session.messages(hello)


async def test_messages_sent_over_the_socket_are_answered_and_a_reconnect_loses_and_repeats_nothing(api: HubApi) -> None:
    session = await api.new_session("ws-send", display_name="钱女士")
    seen: dict[int, int] = {}

    def tally(frames: Frames) -> None:
        for message in frames.messages():
            seen[message["seq"]] = seen.get(message["seq"], 0) + 1

    async with connect(stream_url(api, session, 0)) as ws:
        frames = Frames(ws)
        await frames.until(is_status, what="the status frame")
        await ws.send(json.dumps({"type": "message", "text": "你好", "client_id": "sock-1"}))
        mine = await frames.until(lambda f: f["type"] == "message" and f["message"].get("client_id") == "sock-1",
                                  what="the echo of the socket message")
        assert mine["message"]["sender_type"] == "borrower" and mine["message"]["text"] == "你好"
        await frames.until(bot_after(mine["message"]["seq"]), what="the bot's answer to a socket message")
        await ws.send(json.dumps({"type": "message", "text": "  ", "client_id": "sock-empty"}))
        error = await frames.until(lambda f: f["type"] == "error", what="an error frame for an empty message")
        assert (error["error"], error["client_id"]) == ("invalid", "sock-empty")
        # Send and drop the connection before the bot has answered.
        await ws.send(json.dumps({"type": "message", "text": "我想分期还款", "client_id": "sock-2"}))
        cut = await frames.until(lambda f: f["type"] == "message" and f["message"].get("client_id") == "sock-2",
                                 what="the echo of the second socket message")
        tally(frames)
    last = cut["message"]["seq"]

    async with connect(stream_url(api, session, last)) as ws:
        frames = Frames(ws)
        await frames.until(bot_after(last), what="the answer that arrived around the reconnect")
        more = await session.say("谢谢")  # and live traffic after the reconnect
        await frames.until(bot_after(more), what="a live answer after the reconnect")
        # A turn may have several replies; typing goes off only after the last one.
        await frames.until(lambda f: f["type"] == "typing" and f["on"] is False, what="the end of that turn")
        tally(frames)

    everything = await session.messages()
    assert sorted(seen) == [m["seq"] for m in everything], f"lost or extra:\n{texts(everything)}\nseen {seen}"
    assert set(seen.values()) == {1}, f"duplicates: {seen}"
    assert [m["client_id"] for m in everything if m["sender_type"] == "borrower"][:2] == ["sock-1", "sock-2"]


async def test_stream_refuses_a_bad_token(api: HubApi) -> None:
    url = f"{api.base_url.replace('http', 'ws', 1)}/api/widget/stream?token=nonsense&after=0"
    async with connect(url) as ws:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert frame["type"] == "error" and frame["error"] == "unauthorized"
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
