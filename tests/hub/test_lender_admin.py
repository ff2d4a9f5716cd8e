"""The lender's view and controls of an account: promises to the fen and which a payment keeps, what the
assistant was told (pause reason, dispute words, reminder notes), clearing a dispute or a wrong-contact mark
with an audit trail, hardship plans only for recorded hardships, and the webhook outbox paged and replayed.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx

from hub.client import ADMIN, Api, Widget, later, policy, today_shanghai


async def say(widget: Widget, text: str) -> list[dict[str, Any]]:
    return await widget.answers_after(await widget.send(text))


async def pay(api: Api, borrower_id: str, amount: str, paid_at: str = "") -> httpx.Response:
    body = {
        "payment_id": f"pay-{uuid.uuid4().hex[:10]}",
        "borrower_id": borrower_id,
        "amount": amount,
        "paid_at": paid_at or later(hours=-1).isoformat(),
    }
    return await api.admin_post("/payments", body)


def promise_states(account: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    return [(p["promised_for"], p["amount"], p["status"]) for p in account["promises"]]


async def clear(api: Api, borrower_id: str, what: str, note: str = "") -> httpx.Response:
    return await api.http.post(f"/api/admin/borrowers/{quote(borrower_id, safe='')}/{what}/clear", json={"note": note}, headers=ADMIN)


# Promises -----------------------------------------------------------------------------------------------------------
async def test_promise_amounts_are_decimal_strings_to_the_fen(api: Api) -> None:
    widget = await api.widget()
    day = (today_shanghai() + timedelta(days=5)).isoformat()
    for text in (f"承诺{day}还800.50", f"承诺{day}还1000", f"承诺{day}"):
        await say(widget, text)
    account = await api.account_of(widget.borrower_id)
    assert [p["amount"] for p in account["promises"]] == ["800.50", "1000.00", None]


async def test_a_payment_keeps_only_the_due_promises_it_covers_oldest_first(api: Api) -> None:
    widget = await api.widget()
    today = today_shanghai()
    soon, next_day, far = (today + timedelta(days=n) for n in (1, 2, 20))
    for text in (f"承诺{soon}还500.00", f"承诺{next_day}还300.00", f"承诺{far}还100.00"):
        await say(widget, text)

    assert (await pay(api, widget.borrower_id, "600.00")).status_code == 201
    account = await api.account_of(widget.borrower_id)
    assert promise_states(account) == [
        (soon.isoformat(), "500.00", "kept"),
        (next_day.isoformat(), "300.00", "open"),  # 100.00 left over does not cover 300.00
        (far.isoformat(), "100.00", "open"),  # not due within the grace days: next month's promise stays open
    ]

    assert (await pay(api, widget.borrower_id, "299.99")).status_code == 201
    assert promise_states(await api.account_of(widget.borrower_id))[1][2] == "open", "one fen short is not kept"
    assert (await pay(api, widget.borrower_id, "300.00")).status_code == 201
    assert [s for _, _, s in promise_states(await api.account_of(widget.borrower_id))] == ["kept", "kept", "open"]

    kept = await api.db.rows(
        "SELECT data FROM outbox WHERE borrower_id = :bid AND type = 'promise.kept' ORDER BY occurred_at", bid=widget.borrower_id
    )
    assert len(kept) == 2


# What the assistant said with its commands --------------------------------------------------------------------------
async def test_the_pause_reason_the_dispute_words_and_the_reminder_note_are_kept_and_shown(api: Api) -> None:
    widget = await api.widget()
    await say(widget, "暂停提醒")
    await say(widget, "提醒我")
    words = "不是我的，这笔钱我上个月已经还清了"
    await say(widget, words)

    account = await api.account_of(widget.borrower_id)
    assert account["flags"]["hardship_pause_reason"] == "hardship" and account["flags"]["hardship_pause_until"]
    assert account["disputes"]["open"] is True
    assert account["disputes"]["summary"] == words and account["disputes"]["opened_at"]
    asked = [r for r in account["reminders"] if r["source"] == "borrower"]
    assert [(r["kind"], r["note"]) for r in asked] == [("follow_up", "borrower_request")]
    assert {"pause_reminders", "open_dispute"} <= {c["command"] for c in account["changes"]}

    more = "不是我的！11月6号还的300，有截图"
    await say(widget, more)
    summary = (await api.account_of(widget.borrower_id))["disputes"]["summary"]
    assert words in summary and more in summary, "what the Borrower adds is kept with what they said first"


# Clearing flags -----------------------------------------------------------------------------------------------------
async def test_an_admin_closes_a_dispute_with_an_audit_entry(api: Api) -> None:
    widget = await api.widget()
    await say(widget, "不是我的，金额不对")
    assert (await api.account_of(widget.borrower_id))["disputes"]["open"] is True

    cleared = await clear(api, widget.borrower_id, "dispute", "核实：欠款属实，已电话告知")
    assert cleared.status_code == 200, cleared.text
    assert cleared.json() == {"borrower_id": widget.borrower_id, "flag": "dispute_open", "value": False, "changed": True}
    account = await api.account_of(widget.borrower_id)
    assert account["flags"]["dispute_open"] is False
    assert account["disputes"] == {"open": False, "summary": None, "opened_at": None}
    entries = [c for c in account["changes"] if c["command"] == "admin:clear_dispute_open"]
    assert len(entries) == 3 and isinstance(entries[2]["before"], str)
    assert [(c["field"], c["before"], c["after"], c["note"], c["conversation_id"]) for c in entries] == [
        ("dispute_open", True, False, "核实：欠款属实，已电话告知", None),
        ("dispute_summary", "不是我的，金额不对", None, "核实：欠款属实，已电话告知", None),
        ("dispute_opened_at", entries[2]["before"], None, "核实：欠款属实，已电话告知", None),
    ]

    again = await clear(api, widget.borrower_id, "dispute")
    assert again.status_code == 200 and again.json()["changed"] is False
    account = await api.account_of(widget.borrower_id)
    assert len([c for c in account["changes"] if c["command"] == "admin:clear_dispute_open"]) == 3, "nothing written twice"


async def test_a_borrower_takes_back_a_dispute_opened_in_their_conversation(api: Api) -> None:
    widget = await api.widget()
    await say(widget, "不是我的，金额不对")
    await say(widget, "撤回异议")
    account = await api.account_of(widget.borrower_id)
    assert account["flags"]["dispute_open"] is False and account["disputes"]["summary"] is None
    assert [c["field"] for c in account["changes"] if c["command"] == "withdraw_dispute"] == [
        "dispute_open",
        "dispute_summary",
        "dispute_opened_at",
    ]

    await say(widget, "撤回异议")  # nothing open any more: refused, nothing written
    account = await api.account_of(widget.borrower_id)
    assert len([c for c in account["changes"] if c["command"] == "withdraw_dispute"]) == 3


async def test_an_admin_undoes_a_wrong_contact_mark_with_an_audit_entry(api: Api) -> None:
    widget = await api.widget()
    await say(widget, "我是他妈妈，他到底欠你们多少钱")
    await say(widget, "别再发了")
    assert (await api.account_of(widget.borrower_id))["flags"]["wrong_contact"] is True

    cleared = await clear(api, widget.borrower_id, "wrong-contact", "本人来电确认号码无误")
    assert cleared.status_code == 200 and cleared.json()["changed"] is True, cleared.text
    account = await api.account_of(widget.borrower_id)
    assert account["flags"]["wrong_contact"] is False
    assert [(c["field"], c["before"], c["after"], c["note"]) for c in account["changes"] if c["command"].startswith("admin:")] == [
        ("wrong_contact", True, False, "本人来电确认号码无误")
    ]
    scheduled = await api.admin_post(
        "/reminders", {"borrower_id": widget.borrower_id, "kind": "upcoming_due", "send_at": later(days=2).isoformat()}
    )
    assert scheduled.json()["reason"] != "wrong_contact"


async def test_clearing_flags_needs_the_admin_token_a_known_borrower_and_is_in_the_openapi(api: Api) -> None:
    bid = await api.borrower()
    assert (await api.http.post(f"/api/admin/borrowers/{bid}/dispute/clear", json={})).status_code == 401
    missing = await clear(api, f"nobody-{uuid.uuid4().hex[:6]}", "dispute")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert (await clear(api, bid, "dispute", "x" * 501)).status_code == 422
    paths = (await api.http.get("/api/openapi.json")).json()["paths"]
    for path in ("/api/admin/borrowers/{borrower_id}/dispute/clear", "/api/admin/borrowers/{borrower_id}/wrong-contact/clear"):
        assert paths[path]["post"]["security"] == [{"adminToken": []}]
        assert "requestBody" in paths[path]["post"]


# Hardship plans -----------------------------------------------------------------------------------------------------
async def test_a_hardship_plan_needs_a_recorded_hardship_not_the_actions_word(api: Api) -> None:
    freeze = {"policy": policy(interest_freeze_on_hardship=True)}
    claimed = await api.widget(**freeze)
    await say(claimed, "分12期")
    answer = await say(claimed, "困难确认")  # the action says "hardship", nothing is recorded
    assert (await api.account_of(claimed.borrower_id))["plans"] == []
    assert answer and answer[0]["sender_type"] == "system", "the plan the words described was not stored, and the Borrower is told"

    recorded = await api.widget(**freeze)
    await say(recorded, "登记困难")
    plan = await api.agree_plan(recorded, count=12)  # the action's flag says no hardship; the record says yes
    assert plan["interest_frozen"] is True


# The webhook outbox -------------------------------------------------------------------------------------------------
async def test_the_outbox_listing_pages_with_a_cursor(api: Api) -> None:
    widget = await api.widget()
    for text in ("不要再发了", "恢复提醒", "不要再发了"):
        await say(widget, text)
    seen: list[str] = []
    after = None
    while True:
        params: dict[str, Any] = {"status": "pending", "limit": 5}
        if after:
            params["after"] = after
        page = (await api.admin_get("/webhooks/events", params=params)).json()
        ids = [e["id"] for e in page["events"]]
        assert len(ids) <= 5 and ids == sorted(ids)
        assert not seen or not ids or ids[0] > seen[-1], "pages follow each other"
        seen += ids
        after = page["next_after"]
        if after is None:
            break
        assert after == ids[-1]
    assert len(seen) == len(set(seen))
    everything = (await api.admin_get("/webhooks/events", params={"status": "pending", "limit": 1000})).json()
    mine = [e["id"] for e in everything["events"] if e["borrower_id"] == widget.borrower_id]
    assert len(mine) == 3 and set(mine) <= set(seen)
    assert (await api.admin_get("/webhooks/events", params={"limit": 1001})).status_code == 422
    assert (await api.admin_get("/webhooks/events", params={"after": "not-an-id"})).status_code == 422


async def test_replaying_an_unknown_event_is_404_with_a_clear_error(api: Api) -> None:
    unknown = await api.http.post(f"/api/admin/webhooks/events/evt_{uuid.uuid4().hex}/replay", headers=ADMIN)
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "not_found" and "no webhook event" in unknown.json()["message"]
    malformed = await api.http.post("/api/admin/webhooks/events/not-an-event/replay", headers=ADMIN)
    assert malformed.status_code == 404 and malformed.json()["error"] == "not_found"

    widget = await api.widget()
    await say(widget, "不要再发了")
    (pending,) = await api.db.rows("SELECT id FROM outbox WHERE borrower_id = :bid", bid=widget.borrower_id)
    not_dead = await api.http.post(f"/api/admin/webhooks/events/{pending['id']}/replay", headers=ADMIN)
    assert not_dead.status_code == 409 and not_dead.json()["error"] == "conflict"
