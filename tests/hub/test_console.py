"""The collector console: queue and claim, guarded replies, notes, reports, the plan calculator, hand-back, resolve, login.

Login tests come last in this file: failed logins are throttled per username
and per address for five minutes in the module's database, so they log in from
their own loopback addresses (127.0.x.y) and never throttle what other tests use.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.hubproc import HubProcess, serve

from hub.client import Api, Console, Widget, frames_until, recv_json, today_shanghai
from kuanxian.safety.corpus import parse_batch

PRESSURE = "你再不还钱我们就通知你的家人和单位"
FAIR = "您好，我是小李。我们可以一起看看怎么安排还款，您不用着急。"
NOTE = "内部备注：借款人月底发工资，先别催"


def terms(count: int, amount: str, *, days: int = 10, **extra: Any) -> dict[str, Any]:
    return {"amount": amount, "count": count, "first_date": (today_shanghai() + timedelta(days=days)).isoformat(), **extra}


async def claimed(api: Api, who: str = "demo") -> tuple[Widget, Console]:
    widget = await api.widget()
    await api.waiting_for_person(widget)
    console = await api.console(who)
    response = await console.claim(widget.conversation_id)
    assert response.status_code == 200, response.text
    return widget, console


async def test_a_request_for_a_person_is_queued_and_claimed_once(api: Api) -> None:
    widget = await api.widget()
    entry = await api.waiting_for_person(widget)
    assert (entry["status"], entry["reason"], entry["priority"]) == ("waiting_for_collector", "request_human", "normal")
    assert entry["borrower_id"] == widget.borrower_id

    demo, lead = await api.console("demo"), await api.console("lead")
    first = await demo.claim(widget.conversation_id)
    assert first.status_code == 200
    assert (first.json()["conversation"]["status"], first.json()["conversation"]["collector_name"]) == ("with_collector", "小李")

    taken = await lead.claim(widget.conversation_id)
    assert taken.status_code == 409 and taken.json()["error"] == "conflict"
    assert (await demo.claim(widget.conversation_id)).status_code == 200, "claiming what you hold is harmless"
    assert (await demo.queued(widget.conversation_id))["collector_id"] == demo.collector_id

    joined = await widget.wait_for(lambda m: m["sender_type"] == "system" and "小李" in m["text"], "the joined notice")
    assert "已加入对话" in joined["text"]
    assert (await demo.claim("0" * 32)).status_code == 404
    assert (await demo.claim("not-a-conversation")).status_code == 404


async def test_internal_notes_never_reach_the_widget(api: Api) -> None:
    widget, demo = await claimed(api)
    unread = (await widget.new_session())["unread"]
    async with widget.stream(after=(await widget.messages())[-1]["seq"]) as ws:
        assert (await recv_json(ws))["type"] == "status"
        assert (await demo.note(widget.conversation_id, NOTE)).status_code == 201
        assert (await demo.reply(widget.conversation_id, FAIR)).status_code == 201
        frames = await frames_until(ws, lambda f: f["type"] == "message" and f["message"]["text"] == FAIR, what="the reply after the note")
    assert not any(NOTE in str(f) for f in frames)
    assert not any(NOTE in m["text"] for m in await widget.messages())
    assert (await widget.new_session())["unread"] == unread + 1, "the note is not counted as unread"

    transcript = (await demo.transcript(widget.conversation_id))["messages"]
    notes = [m for m in transcript if m["text"] == NOTE]
    assert len(notes) == 1 and notes[0]["internal"] is True


async def test_the_plan_calculator_lists_policy_exceptions(api: Api) -> None:
    widget, demo = await claimed(api)
    path = f"/conversations/{widget.conversation_id}/plan-preview"

    inside = (await demo.post(path, {"terms": terms(12, "1000.00")})).json()
    assert (inside["within_policy"], inside["exceptions"]) == (True, [])
    assert inside["plan"]["total"] == "12000.00" and len(inside["plan"]["installments"]) == 12

    long = (await demo.post(path, {"terms": terms(36, "333.34")})).json()
    assert (long["within_policy"], long["exceptions"]) == (False, ["term_too_long"])
    assert long["nearest_within_policy"]["count"] <= 24

    odd = (await demo.post(path, {"terms": terms(60, "200.00", frequency="weekly", interest_frozen=True, holiday_days=30)})).json()
    assert {"frequency_not_allowed", "interest_freeze_not_in_policy", "holiday_too_long"} <= set(odd["exceptions"])
    low = (await demo.post(path, {"terms": terms(60, "200.00")})).json()
    assert "below_minimum" in low["exceptions"]

    past = await demo.post(path, {"terms": terms(12, "1000.00", days=-3)})
    assert past.status_code == 422
    assert (await api.account_of(widget.borrower_id))["plans"] == [], "a preview stores nothing"


async def test_hand_back_with_a_plan_stores_it_and_the_assistant_confirms_it(api: Api) -> None:
    widget, demo = await claimed(api)
    handback = await demo.post(f"/conversations/{widget.conversation_id}/handback", {"note": NOTE, "plan": terms(12, "1000.00", days=12)})
    assert handback.status_code == 200, handback.text
    assert handback.json()["conversation"]["status"] == "bot"

    plans = (await api.account_of(widget.borrower_id))["plans"]
    assert len(plans) == 1
    plan = plans[0]
    assert (plan["status"], plan["count"], plan["installment_amount"], plan["total"]) == ("active", 12, "1000.00", "12000.00")
    assert plan["agreed_by"] == f"collector:{demo.collector_id}"
    assert plan["installments"][0]["due_date"] == (today_shanghai() + timedelta(days=12)).isoformat()

    confirmation = await widget.wait_for(lambda m: m["sender_type"] == "bot" and "交回" in m["text"], "the assistant's confirmation")
    assert "还款计划" in confirmation["text"] and f"编号{plan['id']}" in confirmation["text"], confirmation["text"]
    handed = [m for m in await widget.messages() if m["sender_type"] == "system" and "交回给智能助手" in m["text"]]
    assert len(handed) == 1
    assert not any("月底发工资" in m["text"] for m in await widget.messages()), "the collector's note stays internal"
    notes = [m for m in (await demo.transcript(widget.conversation_id))["messages"] if m["text"] == NOTE]
    assert len(notes) == 1 and notes[0]["internal"] is True

    assert (await widget.answers_after(await widget.send("好的谢谢")))[0]["text"] == "收到：好的谢谢", "the assistant is back"


async def test_a_plan_outside_policy_needs_a_lead(api: Api) -> None:
    widget, demo = await claimed(api, "demo")
    refused = await demo.post(f"/conversations/{widget.conversation_id}/handback", {"plan": terms(36, "333.34")})
    assert refused.status_code == 422 and refused.json()["error"] == "plan_exception"
    assert refused.json()["exceptions"] == ["term_too_long"]
    assert (await api.account_of(widget.borrower_id))["plans"] == []
    assert (await demo.queued(widget.conversation_id))["status"] == "with_collector", "nothing changed"

    other, lead = await claimed(api, "lead")
    accepted = await lead.post(f"/conversations/{other.conversation_id}/handback", {"plan": terms(36, "333.34")})
    assert accepted.status_code == 200, accepted.text
    plans = (await api.account_of(other.borrower_id))["plans"]
    assert [(p["count"], p["agreed_by"]) for p in plans] == [(36, f"collector:{lead.collector_id}:exception")]


async def test_resolve_closes_the_conversation_and_the_borrower_can_come_back(api: Api) -> None:
    widget, demo = await claimed(api)
    resolved = await demo.post(f"/conversations/{widget.conversation_id}/resolve")
    assert resolved.status_code == 200 and resolved.json()["conversation"]["status"] == "resolved"
    assert await demo.queued(widget.conversation_id) is None
    await widget.wait_for(lambda m: m["sender_type"] == "system" and "对话已结束" in m["text"], "the closing notice")
    assert (await demo.post(f"/conversations/{widget.conversation_id}/resolve")).status_code == 409

    answer = await widget.answers_after(await widget.send("我还有个问题"))
    assert [m["text"] for m in answer] == ["收到：我还有个问题"]
    assert (await api.account_of(widget.borrower_id))["conversations"][0]["status"] == "bot"

    waiting = await api.widget()
    await api.waiting_for_person(waiting)
    assert (await demo.post(f"/conversations/{waiting.conversation_id}/resolve")).json()["conversation"]["status"] == "resolved"


async def test_a_blocked_reply_never_reaches_the_borrower_and_a_fair_one_does(api: Api) -> None:
    widget, demo = await claimed(api)
    async with widget.stream(after=(await widget.messages())[-1]["seq"]) as ws:
        assert (await recv_json(ws))["type"] == "status"
        before = await widget.messages()

        blocked = await demo.reply(widget.conversation_id, PRESSURE)
        assert blocked.status_code == 422, blocked.text
        body = blocked.json()
        assert body["error"] == "blocked_by_policy"
        assert {"urgency.ultimatum", "disclosure.family"} <= {v["rule_id"] for v in body["violations"]}
        assert body["explanation"]["allowed"] is False and body["explanation"]["violations"]
        assert all(v.get("suggestion") for v in body["violations"]), "every violation comes with a fair alternative"

        fair = await demo.reply(widget.conversation_id, FAIR)
        assert fair.status_code == 201, fair.text
        frames = await frames_until(ws, lambda f: f["type"] == "message" and f["message"]["text"] == FAIR, what="the fair reply")
        assert not any(PRESSURE in str(f) for f in frames)

    new = [m for m in await widget.messages() if m["seq"] > before[-1]["seq"]]
    assert [(m["sender_type"], m["sender_name"], m["text"]) for m in new] == [("collector", "小李", FAIR)]
    after = await widget.messages()
    assert not any(PRESSURE in m["text"] for m in after)
    lead = await api.console("lead")
    assert (await lead.reply(widget.conversation_id, FAIR)).status_code == 409, "only the holder replies"


async def test_a_wrong_block_report_reaches_trainers_only(api: Api, tmp_path: Path) -> None:
    widget, demo = await claimed(api)
    text = "您这个月如果有困难，可以先还一部分，剩下的我们再商量。"
    report = await demo.post("/reports", {"text": text, "conversation_id": widget.conversation_id})
    assert report.status_code == 201 and report.json()["status"] == "open"
    report_id = report.json()["id"]

    assert (await demo.get("/reports")).status_code == 403
    assert (await demo.post(f"/reports/{report_id}/label", {"label": "fair", "category": "options"})).status_code == 403
    today = today_shanghai().isoformat()
    assert (await demo.get("/outcomes", params={"from": today, "to": today})).status_code == 403
    trainer = await api.console("trainer")
    assert (await trainer.get("/outcomes", params={"from": today, "to": today})).status_code == 403
    lead = await api.console("lead")
    assert (await lead.get("/outcomes", params={"from": today, "to": today})).status_code == 200

    listed = (await trainer.get("/reports")).json()["reports"]
    mine = [r for r in listed if r["id"] == report_id]
    assert len(mine) == 1 and mine[0]["text"] == text and mine[0]["reported_by"] == "小李"
    assert mine[0]["conversation_id"] == widget.conversation_id

    bad = await trainer.post(f"/reports/{report_id}/label", {"label": "fair", "category": "intimidation"})
    assert bad.status_code == 422
    labelled = await trainer.post(f"/reports/{report_id}/label", {"label": "fair", "category": "options"})
    assert labelled.status_code == 200 and labelled.json()["status"] == "labelled"
    assert report_id not in [r["id"] for r in (await trainer.get("/reports")).json()["reports"]]
    done = [r for r in (await trainer.get("/reports", params={"status": "labelled"})).json()["reports"] if r["id"] == report_id]
    assert (done[0]["label"], done[0]["category"]) == ("fair", "options")
    assert (await trainer.post(f"/reports/{report_id}/label", {"label": "fair", "category": "options"})).status_code == 404
    assert not any(text in m["text"] for m in await widget.messages()), "a report sends nothing"

    # The trainer's labels leave as a corpus batch the safety tools read (header, then label/category/register/text).
    assert (await demo.get("/reports/corpus.tsv")).status_code == 403
    exported = await trainer.get("/reports/corpus.tsv")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/tab-separated-values")
    batch_file = tmp_path / "r99.tsv"
    batch_file.write_text(exported.text, encoding="utf-8")
    batch = parse_batch(batch_file, "guard")
    assert ("fair", "options", text) in [(line.label, line.category, line.text) for line in batch.lines]
    assert "labelled by a trainer" in batch.header


# Logins (last: they throttle) ---------------------------------------------------------------------------------------
def from_address(hub: HubProcess, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=hub.url, timeout=30.0, transport=httpx.AsyncHTTPTransport(local_address=address))


async def login_from(hub: HubProcess, address: str, username: str, password: str) -> httpx.Response:
    async with from_address(hub, address) as http:
        return await http.post("/api/console/login", json={"username": username, "password": password})


async def test_a_wrong_password_is_refused(hub: HubProcess) -> None:
    wrong = await login_from(hub, "127.0.3.1", "lead", "not-the-password")
    assert wrong.status_code == 401 and "token" not in wrong.json()
    unknown = await login_from(hub, "127.0.3.1", "nobody-at-all", "kuanxian-demo")
    assert unknown.status_code == 401
    assert wrong.json()["message"] == unknown.json()["message"], "no hint which of the two was wrong"
    right = await login_from(hub, "127.0.3.2", "lead", "kuanxian-demo")
    assert right.status_code == 200 and right.json()["collector"]["role"] == "lead"


async def test_an_unknown_username_takes_about_as_long_as_a_known_one(hub: HubProcess) -> None:
    async def timed(address: str, username: str) -> float:
        started = time.perf_counter()
        response = await login_from(hub, address, username, "wrong-password-123")
        assert response.status_code == 401
        return time.perf_counter() - started

    await timed("127.0.1.250", "warm-up")
    known, unknown = [], []
    for n in range(1, 4):  # three wrong passwords for "demo": under the limit of five
        unknown.append(await timed(f"127.0.1.{n}", f"ghost-{n}"))
        known.append(await timed(f"127.0.2.{n}", "demo"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2.0, f"unknown {unknown} vs known {known}"
    assert (await login_from(hub, "127.0.2.200", "demo", "kuanxian-demo")).status_code == 200  # clears "demo"'s failures


@pytest.fixture(scope="module")
def restricted(hub: HubProcess, logs: Path) -> Iterator[HubProcess]:
    """A second hub on the module's database, outside demo mode, embedding allowed on one origin only."""
    yield from serve(hub.database_url, logs, name="nodemo", KUANXIAN_DEMO="false", KUANXIAN_WIDGET_ORIGINS="https://shop.lender.example")


@pytest.fixture
async def restricted_http(restricted: HubProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=restricted.url, timeout=30.0) as http:
        yield http


async def test_demo_users_are_refused_outside_demo_mode(
    hub: HubProcess, restricted: HubProcess, api: Api, restricted_http: httpx.AsyncClient
) -> None:
    demo = await api.console("demo")  # a token the demo-mode hub issued (same secret)
    assert (await restricted_http.get("/api/console/queue", headers=demo.headers)).status_code == 401
    login = await login_from(restricted, "127.0.4.1", "demo", "kuanxian-demo")
    assert login.status_code == 401
    assert (await restricted_http.get("/api/demo/info")).status_code == 404
    assert (await restricted_http.post("/api/demo/borrower-token", json={"borrower_id": "demo-001"})).status_code == 404
    assert (await api.http.get("/api/console/queue", headers=demo.headers)).status_code == 200, "the demo hub still lets them in"


async def test_only_the_configured_origin_may_embed_the_widget(restricted_http: httpx.AsyncClient) -> None:
    preflight = {"access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type"}
    allowed = await restricted_http.options("/api/widget/messages", headers={"origin": "https://shop.lender.example", **preflight})
    assert 200 <= allowed.status_code < 300
    assert allowed.headers["access-control-allow-origin"] == "https://shop.lender.example"
    other = await restricted_http.options("/api/widget/messages", headers={"origin": "https://evil.example", **preflight})
    assert other.headers.get("access-control-allow-origin") not in ("*", "https://evil.example")


async def test_five_failures_for_one_username_lock_it_from_every_address(hub: HubProcess) -> None:
    for n in range(5):
        assert (await login_from(hub, f"127.0.5.{n + 1}", "trainer", f"guess-{n}")).status_code == 401
    locked = await login_from(hub, "127.0.5.100", "trainer", "kuanxian-demo")
    assert locked.status_code == 429, "even the right password waits"
    assert 1 <= int(locked.headers["retry-after"]) <= 300
    assert (await login_from(hub, "127.0.5.100", "demo", "kuanxian-demo")).status_code == 200, "other users are not locked"


async def test_five_failures_from_one_address_lock_it_for_every_username(hub: HubProcess) -> None:
    for n in range(5):
        assert (await login_from(hub, "127.0.6.1", f"sprayed-{n}", "kuanxian-demo")).status_code == 401
    locked = await login_from(hub, "127.0.6.1", "lead", "kuanxian-demo")
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["retry-after"]) <= 300
    assert (await login_from(hub, "127.0.6.2", "lead", "kuanxian-demo")).status_code == 200, "other addresses are not locked"
