"""Human handoff end to end: the trained model asks for a person, the console takes over and hands back."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from kuanxian.hub.auth import hash_password

from .kit import COLLECTOR_NAME, QUIET_SECONDS, HubApi, Session, eventually, hub_database, resolve, texts, unique

pytestmark = pytest.mark.rasa

PRESSURE = "再不还钱就通知你家人和单位"
FAIR = "理解您的难处。我们可以先按每月500元来安排，您看这样可以吗？"
AGREED = "每月15日还款500元，共24期"


async def ask_for_a_person(session: Session) -> int:
    seq = await session.say("我要转人工")
    reply = await session.wait_for_bot(seq)
    assert "人工" in reply["text"], reply  # told honestly what happens next
    return seq


async def second_collector(api: HubApi) -> Any:
    """Another collector, inserted straight into the hub's database."""
    username, password = unique("collector"), unique("pw")
    async with hub_database(api.database_url) as store:
        await store.ensure_collector(username, "小王", await asyncio.to_thread(hash_password, password))
    return await api.login(username, password)


async def test_request_for_a_person_claim_reply_guard_handback_and_resolve(api: HubApi) -> None:
    session = await api.new_session("handoff", display_name="周先生")
    console = await api.login()
    cid = session.conversation_id

    asked = await ask_for_a_person(session)
    waiting = await console.wait_status(cid, "waiting_for_collector")
    assert (waiting["conversation"]["priority"], waiting["conversation"]["reason"]) == ("normal", "request_human")
    [queued] = [c for c in await console.queue() if c["conversation_id"] == cid]
    assert (queued["status"], queued["priority"], queued["borrower_id"]) == ("waiting_for_collector", "normal", session.borrower_id)
    assert any(m["text"] == "我要转人工" and m["sender_type"] == "borrower" for m in waiting["messages"])

    claimed = await console.post(f"/conversations/{cid}/claim")
    assert claimed.status_code == 200, claimed.text
    assert (claimed.json()["conversation"]["status"], claimed.json()["conversation"]["collector_name"]) == ("with_collector", COLLECTOR_NAME)
    joined = await session.wait_for(lambda m: m["sender_type"] == "system" and "已加入对话" in m["text"], after=asked,
                                    what="the joined notice")
    assert joined["text"].startswith("客服") and COLLECTOR_NAME in joined["text"]

    other = await second_collector(api)
    taken = await other.post(f"/conversations/{cid}/claim")
    assert taken.status_code == 409 and taken.json()["error"] == "conflict"
    assert (await other.post(f"/conversations/{cid}/messages", {"text": "您好，我是小王"})).status_code == 409
    assert (await other.post(f"/conversations/{cid}/handback", {"note": ""})).status_code == 409

    # The borrower writes while a person holds the conversation: recorded for the console, the bot stays silent.
    quiet_seq = await session.say("我这个月只能还500块")
    detail = await console.detail(cid)
    assert any(m["seq"] == quiet_seq and m["text"] == "我这个月只能还500块" for m in detail["messages"])
    await session.stays_quiet(quiet_seq, senders=("bot",))

    blocked = await console.post(f"/conversations/{cid}/messages", {"text": PRESSURE})
    assert blocked.status_code == 422, blocked.text
    body = blocked.json()
    assert body["error"] == "blocked_by_policy" and body["violations"], body
    assert all(v["rule_id"] and v["explanation"] for v in body["violations"])
    assert all("家人" not in m["text"] for m in await session.messages())
    assert all(m["text"] != PRESSURE for m in (await console.detail(cid))["messages"])

    sent = await console.post(f"/conversations/{cid}/messages", {"text": FAIR})
    assert sent.status_code == 201, sent.text
    fair = await session.wait_for(lambda m: m["text"] == FAIR, after=quiet_seq, what="the collector's reply")
    assert (fair["sender_type"], fair["sender_name"]) == ("collector", COLLECTOR_NAME)

    # The agreed note is shown to the borrower, so the guard checks it too.
    pressured = await console.post(f"/conversations/{cid}/handback", {"note": "不还钱就通知你单位"})
    assert pressured.status_code == 422 and pressured.json()["error"] == "blocked_by_policy", pressured.text
    assert (await console.detail(cid))["conversation"]["status"] == "with_collector"

    handed = await console.post(f"/conversations/{cid}/handback", {"note": AGREED})
    assert handed.status_code == 200, handed.text
    assert handed.json()["conversation"]["status"] == "bot"
    resumed = await session.wait_for_bot(fair["seq"], containing=AGREED)
    # Until the handback the bot said nothing: the borrower's message while a person held it went unanswered.
    between = [m for m in await session.messages(quiet_seq) if m["seq"] < resumed["seq"]]
    assert [m["sender_type"] for m in between if m["sender_type"] == "bot"] == [], texts(between)
    assert cid not in [c["conversation_id"] for c in await console.queue()]

    thanks = await session.say("好的，谢谢")
    await session.wait_for_bot(thanks)  # the bot answers again

    done = await console.post(f"/conversations/{cid}/resolve")
    assert done.status_code == 200 and done.json()["conversation"]["status"] == "resolved"
    await session.wait_for(lambda m: m["sender_type"] == "system" and "结束" in m["text"], after=thanks, what="the resolved notice")
    final = await console.detail(cid)
    assert [m["sender_type"] for m in final["messages"]].count("collector") == 1  # only the fair reply went out
    assert all("单位" not in m["text"] for m in final["messages"] if m["sender_type"] != "borrower")

    # "随时可以再发消息": writing again after the end gets the bot, not silence.
    later = await session.say("你好")
    await session.wait_for_bot(later)


async def test_crisis_is_urgent_shows_the_hotlines_at_once_and_pauses_reminders(api: HubApi) -> None:
    session = await api.new_session("crisis", display_name="吴女士")
    console = await api.login()
    cid = session.conversation_id
    seq = await session.say("我不想活了")

    async def hotlines() -> Any:
        said = "\n".join(m["text"] for m in await session.messages(seq) if m["sender_type"] in ("bot", "system"))
        return "12356" in said and "010-82951332" in said

    await eventually(hotlines, what="the crisis hotlines (no collector has claimed yet)")
    queued = await eventually(
        lambda: _queued(console, cid), what="the crisis conversation in the queue"
    )
    assert (queued["priority"], queued["reason"], queued["status"]) == ("urgent", "crisis", "waiting_for_collector")
    assert [c["priority"] for c in await console.queue()][0] == "urgent"

    detail = await console.detail(cid)
    pause = detail["borrower"]["flags"]["crisis_pause_until"]
    assert pause is not None
    assert datetime.fromisoformat(pause) > datetime.now(tz=timezone.utc) + timedelta(days=7)
    await resolve(api, cid)

    # A reminder the lender schedules later is held back by the crisis pause.
    reminder = await api.http.post(
        "/api/admin/reminders", headers={"Authorization": "Bearer demo-admin-token"},
        json={"borrower_id": session.borrower_id, "kind": "overdue",
              "send_at": (datetime.now(tz=timezone.utc) + timedelta(minutes=5)).isoformat(), "amount": "500.00"},
    )
    assert reminder.status_code == 201, reminder.text
    assert reminder.json()["status"] in ("deferred", "suppressed") and "crisis" in (reminder.json()["reason"] or ""), reminder.json()


async def _queued(console: Any, cid: str) -> Any:
    return next((c for c in await console.queue() if c["conversation_id"] == cid), None)


async def test_a_waiting_handoff_survives_a_hub_restart(api: HubApi, stack: Any) -> None:
    session = await api.new_session("restart")
    await ask_for_a_person(session)
    console = await api.login()
    await console.wait_status(session.conversation_id, "waiting_for_collector")
    await api.aclose()

    await asyncio.to_thread(stack.start_hub)  # only the hub restarts; Rasa and its tracker are untouched

    fresh = HubApi(stack.hub_url, stack.database_url)
    try:
        session = Session(fresh, session.borrower_id, session.conversation_id, session.token)
        again = await fresh.open_session(session.borrower_id)
        assert again.conversation_id == session.conversation_id
        seq = await session.say("你好，还有人在吗？")
        await session.stays_quiet(seq, senders=("bot",), seconds=QUIET_SECONDS)
        console = await fresh.login()
        detail = await console.detail(session.conversation_id)
        assert detail["conversation"]["status"] == "waiting_for_collector"
        assert any(m["seq"] == seq for m in detail["messages"])
        assert session.conversation_id in [c["conversation_id"] for c in await console.queue()]
    finally:
        await resolve(fresh, session.conversation_id)
        await fresh.aclose()
