"""What the assistant achieved in a period: one query for the dashboard page, the JSON API and the CSV export.

Days are counted in the lender's zone (the staffed-hours zone). Amounts are
decimal strings, never floats.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian.money import from_fen
from kuanxian.replies.account import NOT_UNDERSTOOD_OPENINGS
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage import handoffs as handoff_store
from kuanxian.storage import reminders as reminder_store
from kuanxian.storage.schema import blocked_texts, installments, messages, payment_plans, payments, promises

MAX_DAYS = 366


def _bounds(start: date, end: date, zone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    return datetime.combine(start, time(0), tzinfo=tz), datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)


async def outcomes(conn: AsyncConnection, start: date, end: date, zone: str) -> dict[str, Any]:
    """Everything the dashboard shows, for the days start..end inclusive."""
    if end < start or (end - start).days >= MAX_DAYS:
        raise ValueError(f"the period must run forwards and span at most {MAX_DAYS} days")
    since, until = _bounds(start, end, zone)
    tz = ZoneInfo(zone)

    plans = (
        await conn.execute(
            select(payment_plans.c.total_fen, payment_plans.c.agreed_by)
            .where(payment_plans.c.created_at >= since)
            .where(payment_plans.c.created_at < until)
        )
    ).all()
    due_rows = (
        await conn.execute(
            select(installments.c.status, installments.c.amount_fen, installments.c.paid_fen)
            .where(installments.c.due_date >= start)
            .where(installments.c.due_date <= end)
        )
    ).all()
    paid_rows = (
        await conn.execute(
            select(payments.c.amount_fen, payments.c.paid_at).where(payments.c.paid_at >= since).where(payments.c.paid_at < until)
        )
    ).all()
    promise_rows = (
        await conn.execute(select(promises.c.status).where(promises.c.promised_for >= start).where(promises.c.promised_for <= end))
    ).all()
    handoffs = await handoff_store.between(conn, since, until)
    blocked = (
        await conn.execute(
            select(blocked_texts.c.author, blocked_texts.c.category).where(blocked_texts.c.at >= since).where(blocked_texts.c.at < until)
        )
    ).all()
    decisions = await reminder_store.decisions_between(conn, since, until)
    fallbacks = int(
        (
            await conn.execute(
                select(func.count())
                .select_from(messages)
                .where(messages.c.created_at >= since)
                .where(messages.c.created_at < until)
                .where(messages.c.sender_type == "bot")
                .where(or_(*(messages.c.text.like(f"{opening}%") for opening in NOT_UNDERSTOOD_OPENINGS)))
            )
        ).scalar_one()
    )

    daily: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for amount_fen, paid_at in paid_rows:
        daily[paid_at.astimezone(tz).date().isoformat()] += from_fen(amount_fen)
    days = [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]
    claim_waits = [(h.claimed_at - h.requested_at).total_seconds() for h in handoffs if h.claimed_at is not None]
    by_reason = Counter(h.reason.value for h in handoffs)
    statuses = Counter(status for status, _, _ in due_rows)
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat(), "zone": zone},
        "conversations": await conversation_store.count_between(conn, since, until),
        "plans_agreed": len(plans),
        "plans_agreed_amount": str(sum((from_fen(t) for t, _ in plans), Decimal("0.00"))),
        "plans_agreed_by_collectors": sum(1 for _, by in plans if str(by).startswith("collector")),
        "installments": {
            "due": len(due_rows),
            "paid": statuses.get("paid", 0),
            "partly_paid": statuses.get("partly_paid", 0),
            "missed": statuses.get("missed", 0),
        },
        "promises": {
            "made": len(promise_rows),
            "kept": sum(1 for (s,) in promise_rows if s == "kept"),
            "missed": sum(1 for (s,) in promise_rows if s == "missed"),
        },
        "recovered_amount": str(sum(daily.values(), Decimal("0.00"))),
        "recovered_daily": [{"date": d, "amount": str(daily.get(d, Decimal("0.00")))} for d in days],
        "escalations": {
            "total": len(handoffs),
            "by_reason": dict(sorted(by_reason.items())),
            "median_seconds_to_claim": _median(claim_waits),
            "claimed": len(claim_waits),
        },
        "crisis_handoffs": by_reason.get("crisis", 0),
        "blocked": {
            "total": len(blocked),
            "by_category": dict(sorted(Counter(c for _, c in blocked).items())),
            "by_author": dict(sorted(Counter(a for a, _ in blocked).items())),
        },
        "reminder_decisions": dict(sorted(Counter(f"{o}:{r or '-'}" for o, r in decisions).items())),
        "nlu_fallbacks": fallbacks,
    }


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return round(ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2, 1)


def to_csv(report: dict[str, Any]) -> str:
    """The same numbers as rows of metric,key,value (one file a spreadsheet opens)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["metric", "key", "value"])

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and "date" in item:
                    writer.writerow([prefix, item["date"], item.get("amount")])
                else:
                    writer.writerow([prefix, "", json.dumps(item, ensure_ascii=False)])
        else:
            metric, _, key = prefix.rpartition(".")
            writer.writerow([metric or prefix, key if metric else "", "" if value is None else value])

    walk("", report)
    return out.getvalue()
