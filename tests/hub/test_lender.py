"""The lender's side: payments to the fen, the account view, plan reconciliation, outcomes (JSON = CSV), metrics."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
from support.polling import eventually

from hub.client import ADMIN, Api, later, today_shanghai, utc_now


def pay_body(borrower_id: str, amount: str, payment_id: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "payment_id": payment_id or f"pay-{uuid.uuid4().hex[:10]}",
        "borrower_id": borrower_id,
        "amount": amount,
        "paid_at": later(hours=-2).isoformat(),
        **extra,
    }


async def pay(api: Api, borrower_id: str, amount: str, payment_id: str = "", **extra: Any) -> httpx.Response:
    return await api.admin_post("/payments", pay_body(borrower_id, amount, payment_id, **extra))


def installments(account: dict[str, Any]) -> list[tuple[int, str, str, str]]:
    plan = account["plans"][-1]
    return [(i["seq"], i["amount"], i["paid"], i["status"]) for i in plan["installments"]]


async def test_payments_are_allocated_oldest_installment_first_to_the_fen(api: Api) -> None:
    widget = await api.widget()
    plan = await api.agree_plan(widget, count=7)
    amounts = [Decimal(i["amount"]) for i in plan["installments"]]
    assert amounts == [Decimal("1714.29")] * 6 + [Decimal("1714.26")] and sum(amounts) == Decimal("12000.00")

    first = await pay(api, widget.borrower_id, "1714.30")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["plan_id"] == plan["id"] and body["duplicate"] is False
    assert body["allocations"] == [{"seq": 1, "amount": "1714.29"}, {"seq": 2, "amount": "0.01"}]
    assert body["to_balance"] == "0.00"
    account = await api.account_of(widget.borrower_id)
    assert installments(account)[:3] == [
        (1, "1714.29", "1714.29", "paid"),
        (2, "1714.29", "0.01", "partly_paid"),
        (3, "1714.29", "0.00", "due"),
    ]
    assert account["balance"] == "10285.70"

    rest = await pay(api, widget.borrower_id, "10295.70")  # what is left, and 10.00 more
    assert rest.status_code == 201, rest.text
    body = rest.json()
    assert body["allocations"] == [{"seq": 2, "amount": "1714.28"}] + [{"seq": n, "amount": "1714.29"} for n in range(3, 7)] + [
        {"seq": 7, "amount": "1714.26"}
    ]
    assert body["to_balance"] == "10.00"
    assert sum(Decimal(a["amount"]) for a in body["allocations"]) + Decimal(body["to_balance"]) == Decimal("10295.70")
    account = await api.account_of(widget.borrower_id)
    assert account["plans"][-1]["status"] == "completed"
    assert all(status == "paid" and paid == amount for _, amount, paid, status in installments(account))
    assert account["balance"] == "0.00"

    after_plan = await pay(api, widget.borrower_id, "5.00")
    assert (after_plan.json()["plan_id"], after_plan.json()["allocations"], after_plan.json()["to_balance"]) == (None, [], "5.00")


async def test_a_payment_is_idempotent_on_its_id(api: Api) -> None:
    widget = await api.widget()
    other = await api.borrower()
    payment_id = f"bank-{uuid.uuid4().hex[:8]}"

    first = await pay(api, widget.borrower_id, "500.00", payment_id)
    assert first.status_code == 201 and first.json()["to_balance"] == "500.00"
    again = await pay(api, widget.borrower_id, "500.00", payment_id)
    assert again.status_code == 200 and again.json() == {**first.json(), "duplicate": True}
    retries = await asyncio.gather(*(pay(api, widget.borrower_id, "500.00", payment_id) for _ in range(10)))
    assert {r.status_code for r in retries} == {200}

    assert (await pay(api, widget.borrower_id, "500.01", payment_id)).status_code == 409
    assert (await pay(api, other, "500.00", payment_id)).status_code == 409
    assert (await api.account_of(widget.borrower_id))["balance"] == "11500.00", "counted once"
    assert (await api.account_of(other))["balance"] == "12000.00"
    assert await api.db.scalar("SELECT COUNT(*) FROM payments WHERE payment_id = :p", p=payment_id) == 1


async def test_parallel_first_deliveries_of_one_payment_count_it_once(api: Api) -> None:
    widget = await api.widget()
    payment_id = f"bank-{uuid.uuid4().hex[:8]}"
    responses = await asyncio.gather(*(pay(api, widget.borrower_id, "250.00", payment_id) for _ in range(10)))
    assert sorted(r.status_code for r in responses) == [200] * 9 + [201], [r.text for r in responses if r.status_code >= 300]
    assert (await api.account_of(widget.borrower_id))["balance"] == "11750.00"


async def test_payments_that_cannot_be_right_are_refused(api: Api) -> None:
    widget = await api.widget()
    unknown = await pay(api, f"nobody-{uuid.uuid4().hex[:6]}", "100.00", "ghost-payment")
    assert unknown.status_code == 404
    assert await api.db.scalar("SELECT COUNT(*) FROM payments WHERE payment_id = 'ghost-payment'") == 0

    for amount in ("0.00", "-100.00", "abc", "100.5.0", "1,000.00"):
        response = await pay(api, widget.borrower_id, amount)
        assert response.status_code == 422 and response.json()["field"] == "amount", amount
    future = await pay(api, widget.borrower_id, "100.00", paid_at=later(days=1, hours=1).isoformat())
    assert future.status_code == 422 and future.json()["field"] == "paid_at"
    assert (await api.account_of(widget.borrower_id))["balance"] == "12000.00"

    soon = await pay(api, widget.borrower_id, "100.00", paid_at=later(hours=20).isoformat())
    assert soon.status_code == 201, "a clock a little ahead is tolerated"
    assert (await api.admin_post("/payments", {"payment_id": "x", "borrower_id": widget.borrower_id})).status_code == 422
    assert (await api.http.post("/api/admin/payments", json=pay_body(widget.borrower_id, "1.00"))).status_code == 401


async def test_the_account_shows_plans_installments_promises_flags_and_reminders(api: Api) -> None:
    widget = await api.widget()
    await widget.answers_after(await widget.send("不要再发了"))
    plan = await api.agree_plan(widget, count=12)
    scheduled = await api.admin_post(
        "/reminders", {"borrower_id": widget.borrower_id, "kind": "upcoming_due", "send_at": later(days=2).isoformat(), "amount": "1000.00"}
    )
    assert scheduled.status_code == 201 and (scheduled.json()["status"], scheduled.json()["reason"]) == ("suppressed", "opted_out")
    assert (await pay(api, widget.borrower_id, "1000.00")).status_code == 201

    account = await api.account_of(widget.borrower_id)
    assert account["borrower_id"] == widget.borrower_id and account["balance"] == "11000.00"
    assert account["conversations"][0]["conversation_id"] == widget.conversation_id
    assert [p["id"] for p in account["plans"]] == [plan["id"]]
    assert account["plans"][0]["installments"][0]["status"] == "paid" and len(account["plans"][0]["installments"]) == 12
    assert account["promises"] == [] and account["disputes"]["open"] is False
    assert account["flags"]["opted_out"] is True
    kinds = {r["id"]: r for r in account["reminders"]}
    mine = kinds[scheduled.json()["id"]]
    assert (mine["kind"], mine["status"], mine["reason"], mine["amount"]) == ("upcoming_due", "suppressed", "opted_out", "1000.00")
    assert mine["history"] and mine["history"][0]["decision"] in ("suppressed", "suppress")
    assert {"installment_due", "payment_thanks"} <= {r["kind"] for r in account["reminders"]}
    listed = await api.admin_get("/reminders", params={"borrower_id": widget.borrower_id})
    assert [r["id"] for r in listed.json()["reminders"]] == [r["id"] for r in account["reminders"]]
    assert (await api.admin_get(f"/borrowers/nobody-{uuid.uuid4().hex[:6]}")).status_code == 404
    assert (await api.http.get(f"/api/admin/borrowers/{widget.borrower_id}", headers=widget.headers)).status_code == 401


async def test_plans_page_through_for_reconciliation(api: Api) -> None:
    first = await api.widget()
    plan_a = await api.agree_plan(first, count=12)
    between = utc_now()
    second = await api.widget()
    plan_b = await api.agree_plan(second, count=6)
    third = await api.widget()
    plan_c = await api.agree_plan(third, count=4)
    plan_d = await api.agree_plan(third, count=3)  # supersedes plan_c

    seen: list[int] = []
    after = 0
    while True:
        page = (await api.admin_get("/plans", params={"after": after, "limit": 2})).json()
        assert len(page["plans"]) <= 2
        seen += [p["id"] for p in page["plans"]]
        if page["next_after"] is None:
            break
        after = page["next_after"]
    assert seen == sorted(set(seen)), "ascending, no plan twice"
    assert {plan_a["id"], plan_b["id"], plan_c["id"], plan_d["id"]} <= set(seen)

    statuses = {p["id"]: p["status"] for p in (await api.admin_get("/plans", params={"limit": 500})).json()["plans"]}
    assert (statuses[plan_c["id"]], statuses[plan_d["id"]]) == ("superseded", "active")

    changed = {p["id"] for p in (await api.admin_get("/plans", params={"since": between.isoformat(), "limit": 500})).json()["plans"]}
    assert plan_b["id"] in changed and plan_a["id"] not in changed
    assert (await pay(api, first.borrower_id, "12000.00")).status_code == 201
    changed = {p["id"] for p in (await api.admin_get("/plans", params={"since": between.isoformat(), "limit": 500})).json()["plans"]}
    assert plan_a["id"] in changed, "completing a plan is a change since then"

    completed = (await api.admin_get("/plans", params={"status": "completed", "limit": 500})).json()["plans"]
    assert plan_a["id"] in {p["id"] for p in completed} and {p["status"] for p in completed} == {"completed"}
    assert (await api.admin_get("/plans", params={"status": "lost"})).status_code == 422
    assert (await api.admin_get("/plans", params={"limit": 0})).status_code == 422


def flatten(report: dict[str, Any]) -> dict[tuple[str, str], str]:
    """The outcomes as (metric, key) → text, the way a spreadsheet row would carry them."""
    rows: dict[tuple[str, str], str] = {}
    for name, value in report.items():
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, dict):
                    for k, v in inner.items():
                        rows[(f"{name}.{key}", k)] = "" if v is None else str(v)
                else:
                    rows[(name, key)] = "" if inner is None else str(inner)
        elif isinstance(value, list):
            for item in value:
                rows[(name, item["date"])] = str(item["amount"])
        else:
            rows[(name, "")] = "" if value is None else str(value)
    return rows


async def test_outcomes_as_json_and_as_csv_agree_and_count_what_happened(api: Api) -> None:
    start, end = today_shanghai() - timedelta(days=1), today_shanghai() + timedelta(days=1)
    before = (await api.outcomes(start, end)).json()

    widget = await api.widget()
    await api.agree_plan(widget, count=12)
    assert (await pay(api, widget.borrower_id, "1234.56")).status_code == 201

    report = (await api.outcomes(start, end)).json()
    assert report["plans_agreed"] == before["plans_agreed"] + 1
    assert Decimal(report["plans_agreed_amount"]) - Decimal(before["plans_agreed_amount"]) == Decimal("12000.00")
    assert Decimal(report["recovered_amount"]) - Decimal(before["recovered_amount"]) == Decimal("1234.56")
    assert sum(Decimal(d["amount"]) for d in report["recovered_daily"]) == Decimal(report["recovered_amount"])
    assert [d["date"] for d in report["recovered_daily"]] == [(start + timedelta(days=n)).isoformat() for n in range(3)]

    async def quiet() -> Any:  # reminders keep deciding in the background: compare a CSV taken between two equal JSONs
        first = (await api.outcomes(start, end)).json()
        exported = await api.outcomes(start, end, "csv")
        return (first, exported) if (await api.outcomes(start, end)).json() == first else None

    report, exported = await eventually(quiet, what="two equal outcome reports in a row")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["metric", "key", "value"]
    as_csv = {(metric, key): value for metric, key, value in rows[1:]}
    assert as_csv == flatten(report)

    lead = await api.console("lead")
    assert (await lead.get("/outcomes", params={"from": start.isoformat(), "to": end.isoformat()})).json() == report
    assert (await api.outcomes(end, start)).status_code == 422
    assert (await api.outcomes(start, start + timedelta(days=400))).status_code == 422


def metric(text: str, name: str, labels: str = "") -> float:
    found = re.search(rf"^{re.escape(name)}{re.escape(labels)} ([0-9.e+]+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


async def test_metrics_need_the_admin_token_and_count_what_happened(api: Api) -> None:
    widget = await api.widget()
    assert (await api.http.get("/metrics")).status_code == 401
    assert (await api.http.get("/metrics", headers={"authorization": "Bearer demo-admin-token-x"})).status_code == 401
    assert (await api.http.get("/metrics", headers=widget.headers)).status_code == 401

    before = (await api.http.get("/metrics", headers=ADMIN)).text
    await api.agree_plan(widget, count=12)
    borrower = '{sender="borrower"}'

    async def counted() -> Any:  # metrics follow the committed events a moment later
        response = await api.http.get("/metrics", headers=ADMIN)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
        text = response.text
        plans = metric(text, "kuanxian_plans_agreed_total") - metric(before, "kuanxian_plans_agreed_total")
        sent = metric(text, "kuanxian_messages_total", borrower) - metric(before, "kuanxian_messages_total", borrower)
        return text if (plans, sent) == (1, 2) else None

    text = await eventually(counted, timeout=10, what="one more plan and two more Borrower messages in /metrics")
    for name in (
        "kuanxian_messages_total",
        "kuanxian_turn_seconds_bucket",
        "kuanxian_queue_length",
        "kuanxian_outbox_pending",
        "kuanxian_plans_agreed_total",
    ):
        assert name in text, name


async def test_a_plan_the_hub_refuses_is_never_confirmed_to_the_borrower(api: Api) -> None:
    widget = await api.widget()
    offer = await widget.send("分12期")
    assert any("1000.00" in m["text"] for m in await widget.answers_after(offer))
    assert (await pay(api, widget.borrower_id, "1000.00")).status_code == 201  # the balance changes before the yes

    answers = await widget.answers_after(await widget.send("确认"))
    assert (await api.account_of(widget.borrower_id))["plans"] == [], "12 × 1000.00 no longer fits 11,000.00"
    assert answers, "the Borrower is answered"
    assert not any("已经为您确认" in m["text"] for m in answers), f"told a plan exists that was never stored: {answers}"
