"""Reminders through the running stack: the lender's admin API, the widget, the real scheduler loop."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from typing import Any, AsyncIterator
from zoneinfo import ZoneInfo

import pytest
from websockets.asyncio.client import connect

from .reminder_kit import ADMIN, REMINDER_WORDS, TURN_TIMEOUT, HubClient, daytime_zone, eventually

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def hub(stack: Any) -> AsyncIterator[HubClient]:
    client = HubClient(stack.hub_url)
    try:
        yield client
    finally:
        await client.aclose()


def in_an_hour() -> str:
    return (datetime.now(tz=timezone.utc) + timedelta(hours=1)).isoformat()


async def test_a_reminder_for_23_00_shanghai_is_deferred_to_08_00_the_next_day(hub: HubClient) -> None:
    borrower_id = await hub.new_borrower("night")
    day = datetime.now(tz=SHANGHAI).date() + timedelta(days=3)
    send_at = datetime(day.year, day.month, day.day, 23, 0, tzinfo=SHANGHAI)

    response = await hub.remind({"borrower_id": borrower_id, "send_at": send_at.isoformat(), "kind": "upcoming_due"})

    assert response.status_code == 201, response.text
    body = response.json()
    next_day = day + timedelta(days=1)
    assert body["status"] == "deferred"
    assert body["scheduled_for"] == f"{next_day.isoformat()}T08:00:00+08:00"
    assert body["reason"] == "quiet_hours"
    [listed] = await hub.listed(borrower_id)
    assert listed["id"] == body["id"]
    assert (listed["kind"], listed["source"], listed["status"]) == ("upcoming_due", "lender", "deferred")
    assert listed["send_at"] == send_at.isoformat()
    assert [(h["decision"], h["reason"], h["scheduled_for"]) for h in listed["history"]] == [
        ("deferred", "quiet_hours", body["scheduled_for"])
    ]


async def test_a_borrower_who_opted_out_in_the_widget_is_not_reminded(hub: HubClient) -> None:
    borrower_id = await hub.new_borrower("stop")
    session = await hub.session(borrower_id)

    await hub.say(session, "以后别再给我发消息了")

    async def acknowledged() -> bool:
        return any(m["sender_type"] == "bot" and "关闭主动还款提醒" in m["text"] for m in await hub.messages(session))

    await eventually(acknowledged, what="the bot to confirm the opt-out")
    response = await hub.remind({"borrower_id": borrower_id, "send_at": in_an_hour(), "kind": "overdue"})
    assert response.status_code == 201, response.text
    assert (response.json()["status"], response.json()["reason"]) == ("suppressed", "opted_out")


async def test_after_a_crisis_message_reminders_are_suppressed_for_crisis(hub: HubClient) -> None:
    borrower_id = await hub.new_borrower("crisis")
    session = await hub.session(borrower_id)

    await hub.say(session, "我不想活了")

    async def hotline_shown() -> bool:
        return any("12356" in m["text"] for m in await hub.messages(session))

    await eventually(hotline_shown, what="the crisis lines")

    async def suppressed_for_crisis() -> Any:
        response = await hub.remind({"borrower_id": borrower_id, "send_at": in_an_hour(), "kind": "upcoming_due"})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "suppressed", body
        return body if "crisis" in (body["reason"] or "") else None

    await eventually(suppressed_for_crisis, interval=0.5, what="the crisis pause to be recorded")
    assert all(r["status"] == "suppressed" for r in await hub.listed(borrower_id))


async def test_breathing_space_set_by_the_lender_suppresses_reminders(hub: HubClient) -> None:
    until = (datetime.now(tz=timezone.utc) + timedelta(days=30)).isoformat()
    borrower_id = await hub.new_borrower("breathing", breathing_space_until=until)

    response = await hub.remind({"borrower_id": borrower_id, "send_at": in_an_hour(), "kind": "overdue"})

    assert (response.json()["status"], response.json()["reason"]) == ("suppressed", "breathing_space")


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        pytest.param({"borrower_id": "nobody-by-this-id"}, 404, None, id="unknown-borrower"),
        pytest.param({"send_at": "2030-01-01T10:00:00"}, 422, "send_at", id="naive-datetime"),
        pytest.param({"send_at": "next tuesday"}, 422, "send_at", id="not-a-datetime"),
        pytest.param({"kind": "final_demand"}, 422, "kind", id="unknown-kind"),
        pytest.param({"send_at": "2020-01-01T10:00:00+08:00"}, 422, "send_at", id="far-in-the-past"),
        pytest.param({"amount": "-5.00"}, 422, "amount", id="negative-amount"),
        pytest.param({"amount": 300}, 422, "amount", id="amount-not-a-string"),
        pytest.param({"due_date": "15号"}, 422, "due_date", id="bad-due-date"),
        pytest.param({"due_date": 15}, 422, "due_date", id="due-date-not-a-string"),
    ],
)
async def test_bad_reminder_input_is_refused_and_nothing_is_stored(hub: HubClient, change: dict, status: int, field: str) -> None:
    borrower_id = await hub.new_borrower("bad")
    body = {"borrower_id": borrower_id, "send_at": in_an_hour(), "kind": "upcoming_due", **change}

    response = await hub.remind(body)

    assert response.status_code == status, response.text
    error = response.json()
    assert error["error"] == ("not_found" if status == 404 else "invalid")
    if field:
        assert error["field"] == field and error["message"].startswith(field)
    assert await hub.listed(borrower_id) == []


async def test_admin_calls_need_the_admin_token(hub: HubClient) -> None:
    borrower_id = await hub.new_borrower("token")
    body = {"borrower_id": borrower_id, "send_at": in_an_hour(), "kind": "upcoming_due"}

    for headers in ({"Authorization": "Bearer not-the-admin-token"}, {}):
        response = await hub.remind(body, headers=headers)
        assert response.status_code == 401, response.text
        assert response.json()["error"] == "unauthorized"
    listing = await hub.http.get("/api/admin/reminders", params={"borrower_id": borrower_id}, headers={"Authorization": "Bearer nope"})
    assert listing.status_code == 401
    assert await hub.listed(borrower_id) == []


async def test_malformed_json_is_a_400(hub: HubClient) -> None:
    response = await hub.http.post(
        "/api/admin/reminders", content=b'{"borrower_id": "demo-001", "send_at": ', headers={**ADMIN, "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "bad_request"


async def test_listing_needs_a_known_borrower(hub: HubClient) -> None:
    missing = await hub.http.get("/api/admin/reminders", headers=ADMIN)
    unknown = await hub.http.get("/api/admin/reminders", params={"borrower_id": "nobody-by-this-id"}, headers=ADMIN)
    assert missing.status_code == 422 and missing.json()["field"] == "borrower_id"
    assert unknown.status_code == 404


# End to end: the real scheduler loop, Rasa, the widget ---------------------------------------
async def test_a_reminder_for_now_arrives_live_in_the_open_widget(hub: HubClient) -> None:
    borrower_id = await hub.new_borrower("live", daytime_zone())
    session = await hub.session(borrower_id)
    ws_url = hub.hub_url.replace("http://", "ws://") + f"/api/widget/stream?token={session['session_token']}&after=0"

    async with connect(ws_url, open_timeout=10) as ws:
        first = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        assert first["type"] == "status"  # subscribed: everything from here on is live
        now = datetime.now(tz=timezone.utc).isoformat()
        response = await hub.remind({"borrower_id": borrower_id, "send_at": now, "kind": "upcoming_due", "amount": "345.60"})
        assert response.status_code == 201, response.text
        assert response.json()["status"] == "scheduled", response.json()

        async def reminder_frame() -> dict:
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "message" and frame["message"]["sender_type"] == "bot":
                    return frame["message"]

        message = await asyncio.wait_for(reminder_frame(), timeout=TURN_TIMEOUT)

    assert REMINDER_WORDS in message["text"] and "345.60元" in message["text"]
    assert message["buttons"], "the reminder offers ways to respond"

    async def recorded_sent() -> bool:
        return [r["status"] for r in await hub.listed(borrower_id)] == ["sent"]

    await eventually(recorded_sent, what="the reminder to be recorded as sent")


async def test_a_reminder_for_someone_offline_waits_as_unread(hub: HubClient) -> None:
    borrower_id = await hub.new_borrower("offline", daytime_zone())
    now = datetime.now(tz=timezone.utc).isoformat()

    response = await hub.remind({"borrower_id": borrower_id, "send_at": now, "kind": "overdue", "amount": "88.80"})
    assert response.json()["status"] == "scheduled", response.json()

    async def sent() -> bool:
        return [r["status"] for r in await hub.listed(borrower_id)] == ["sent"]

    await eventually(sent, what="the scheduler to deliver the reminder")
    session = await hub.session(borrower_id)  # the borrower opens the widget later
    assert session["unread"] >= 1
    texts = [m["text"] for m in await hub.messages(session) if m["sender_type"] == "bot"]
    assert len(texts) == 1 and "88.80元" in texts[0]
