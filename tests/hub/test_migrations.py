"""A database made by the previous release (schema revision 0001) is upgraded in place by the hub, its rows intact and usable."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text
from support.hubproc import start_hub

from hub.client import Api, Database, Widget, account, today_shanghai
from kuanxian.dates import add_months
from kuanxian.hub.auth import hash_password
from kuanxian.storage.db import make_engine
from kuanxian.storage.migrate import MIGRATIONS, upgrade

OLD_MESSAGES = [("borrower", "我想分期还款，可以吗？"), ("bot", "可以的，您想分几期？"), ("borrower", "分12期吧")]


def head_revision() -> str:
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


async def build_previous_release(url: str, borrower_id: str, conversation_id: str, first_due: date) -> None:
    """Revision 0001 as the previous release left it, with a borrower, a conversation and an agreed plan."""
    engine = make_engine(url)
    try:
        await upgrade(engine, "0001")
        created = datetime.now(tz=UTC).replace(tzinfo=None) - timedelta(days=3)  # 0001 stored naive UTC
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO borrowers (id, display_name, timezone, currency, principal_fen, interest_and_fees_fen, days_overdue,"
                    " due_day, min_installment_fen, max_term_months, allowed_frequencies, payment_holiday_days,"
                    " interest_freeze_on_hardship, opted_out, dispute_open, wrong_contact, created_at, updated_at) VALUES"
                    " (:id, '老用户孙女士', 'Asia/Shanghai', 'CNY', 1120000, 80000, 20, 10, 30000, 24, 'monthly', 30,"
                    " :no, :no, :no, :no, :at, :at)"
                ),
                {"id": borrower_id, "no": False, "at": created},
            )
            await conn.execute(
                text("INSERT INTO collectors (username, display_name, password_hash, created_at) VALUES ('demo', '小李', :h, :at)"),
                {"h": hash_password("kuanxian-demo"), "at": created},
            )
            await conn.execute(
                text(
                    "INSERT INTO conversations (id, borrower_id, status, last_seq, last_read_seq, created_at, updated_at)"
                    " VALUES (:cid, :bid, 'bot', 3, 1, :at, :at)"
                ),
                {"cid": conversation_id, "bid": borrower_id, "at": created},
            )
            for seq, (sender, words) in enumerate(OLD_MESSAGES, start=1):
                await conn.execute(
                    text(
                        "INSERT INTO messages (conversation_id, seq, sender_type, text, buttons, internal, created_at)"
                        " VALUES (:cid, :seq, :sender, :text, '[]', :no, :at)"
                    ),
                    {
                        "cid": conversation_id,
                        "seq": seq,
                        "sender": sender,
                        "text": words,
                        "no": False,
                        "at": created + timedelta(seconds=seq),
                    },
                )
            plan_id = (
                await conn.execute(
                    text(
                        "INSERT INTO payment_plans (borrower_id, conversation_id, status, frequency, installment_amount_fen,"
                        " installment_count, last_amount_fen, total_fen, first_date, interest_frozen, holiday_days, created_at)"
                        " VALUES (:bid, :cid, 'active', 'monthly', 100000, 12, 100000, 1200000, :first, :no, 0, :at) RETURNING id"
                    ),
                    {"bid": borrower_id, "cid": conversation_id, "first": first_due, "no": False, "at": created},
                )
            ).scalar_one()
            for n in range(12):
                await conn.execute(
                    text("INSERT INTO installments (plan_id, seq, due_date, amount_fen, status) VALUES (:p, :seq, :due, 100000, 'due')"),
                    {"p": plan_id, "seq": n + 1, "due": add_months(first_due, n)},
                )
    finally:
        await engine.dispose()


async def test_the_previous_releases_database_is_upgraded_in_place(database: str, logs: Path) -> None:
    borrower_id, conversation_id = f"old-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    first_due = today_shanghai() + timedelta(days=20)
    await build_previous_release(database, borrower_id, conversation_id, first_due)
    db = Database(database)
    # The previous release made its tables without Alembic: no version table, and the hub must recognise revision 0001.
    await db.execute("DROP TABLE alembic_version")

    hub = start_hub(database, logs, name="upgraded")
    try:
        assert await db.scalar("SELECT version_num FROM alembic_version") == head_revision()
        async with httpx.AsyncClient(base_url=hub.url, timeout=30) as http:
            api = Api(hub, http, db)
            old = await api.account_of(borrower_id)
            assert (old["display_name"], old["balance"], old["days_overdue"], old["policy"]["payment_holiday_days"]) == (
                "老用户孙女士",
                "12000.00",
                20,
                30,
            )
            assert [c["conversation_id"] for c in old["conversations"]] == [conversation_id]
            [plan] = old["plans"]
            since = (datetime.now(tz=UTC) - timedelta(days=7)).isoformat()
            changed = (await api.admin_get("/plans", params={"since": since, "limit": 500})).json()["plans"]
            assert plan["id"] in {p["id"] for p in changed}, "a plan from before the upgrade is found by reconciliation"
            assert (plan["status"], plan["count"], plan["total"], plan["agreed_by"]) == ("active", 12, "12000.00", "assistant")
            assert [(i["due_date"], i["amount"], i["paid"], i["status"]) for i in plan["installments"]][:2] == [
                (first_due.isoformat(), "1000.00", "0.00", "due"),
                (add_months(first_due, 1).isoformat(), "1000.00", "0.00", "due"),
            ]

            session = await api.session(borrower_id)
            assert session["conversation_id"] == conversation_id, "the Borrower comes back to their old conversation"
            assert (session["last_read_seq"], session["unread"]) == (1, 1)
            widget = Widget(api, borrower_id, conversation_id, session["session_token"], session)
            assert [(m["seq"], m["sender_type"], m["text"]) for m in await widget.messages()] == [
                (n + 1, sender, words) for n, (sender, words) in enumerate(OLD_MESSAGES)
            ]
            assert [m["text"] for m in await widget.answers_after(await widget.send("我想问问下一期"))] == ["收到：我想问问下一期"]
            assert [m["seq"] for m in await widget.messages()] == [1, 2, 3, 4, 5]

            paid = await api.admin_post(
                "/payments",
                {
                    "payment_id": f"old-pay-{uuid.uuid4().hex[:6]}",
                    "borrower_id": borrower_id,
                    "amount": "1500.00",
                    "paid_at": datetime.now(tz=UTC).isoformat(),
                },
            )
            assert paid.status_code == 201, paid.text
            assert (paid.json()["plan_id"], paid.json()["allocations"]) == (
                plan["id"],
                [{"seq": 1, "amount": "1000.00"}, {"seq": 2, "amount": "500.00"}],
            )
            demo = await api.console("demo")
            assert demo.role == "collector" and demo.display_name == "小李"
            assert (await api.put_borrower(borrower_id, account(display_name="老用户孙女士"))).status_code == 200
            assert (await api.account_of("demo-001"))["display_name"] == "王女士", "demo data was added beside the old rows"
    finally:
        hub.stop()
        await db.close()
