"""What a Collector sees beside the transcript: the account, plans, hardship, reminders and why the assistant called them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian.domain.borrower import Borrower
from kuanxian.domain.conversation import Conversation
from kuanxian.hub.api.serialize import plan_json
from kuanxian.money import from_fen
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import handoffs as handoff_store
from kuanxian.storage import hardships as hardship_store
from kuanxian.storage import plans as plan_store
from kuanxian.storage import reminders as reminder_store
from kuanxian.storage.schema import account_changes, promises


def _iso(value: Optional[datetime], borrower: Optional[Borrower] = None) -> Optional[str]:
    if value is None:
        return None
    return (value.astimezone(borrower.zone) if borrower else value).isoformat()


def account_json(borrower: Borrower) -> dict[str, Any]:
    p, f = borrower.policy, borrower.flags
    return {
        "borrower_id": borrower.borrower_id,
        "display_name": borrower.display_name,
        "timezone": borrower.timezone,
        "currency": borrower.currency,
        "principal": str(borrower.principal),
        "interest_and_fees": str(borrower.interest_and_fees),
        "balance": str(borrower.balance),
        "days_overdue": borrower.days_overdue,
        "due_day": borrower.due_day,
        "policy": {
            "min_installment": str(p.min_installment),
            "max_term_months": p.max_term_months,
            "allowed_frequencies": sorted(x.value for x in p.allowed_frequencies),
            "payment_holiday_days": p.payment_holiday_days,
            "interest_freeze_on_hardship": p.interest_freeze_on_hardship,
        },
        "flags": {
            "opted_out": f.opted_out,
            "dispute_open": f.dispute_open,
            "wrong_contact": f.wrong_contact,
            "crisis_pause_until": _iso(f.crisis_pause_until),
            "hardship_pause_until": _iso(f.hardship_pause_until),
            "breathing_space_until": _iso(f.breathing_space_until),
        },
    }


async def reminders_json(conn: AsyncConnection, borrower: Optional[Borrower], borrower_id: str) -> list[dict[str, Any]]:
    out = []
    for reminder, history in await reminder_store.for_borrower(conn, borrower_id):
        out.append(
            {
                "id": reminder.reminder_id,
                "kind": reminder.kind.value,
                "source": reminder.source,
                "status": reminder.status.value,
                "reason": reminder.reason,
                "send_at": _iso(reminder.send_at, borrower),
                "scheduled_for": _iso(reminder.scheduled_for, borrower),
                "sent_at": _iso(reminder.sent_at, borrower),
                "amount": str(from_fen(reminder.amount_fen)) if reminder.amount_fen is not None else None,
                "due_date": reminder.due_date.isoformat() if reminder.due_date else None,
                "note": reminder.note,
                "history": [
                    {
                        "at": _iso(h.at, borrower),
                        "decision": h.outcome,
                        "reason": h.reason,
                        "scheduled_for": _iso(h.scheduled_for, borrower),
                    }
                    for h in history
                ],
            }
        )
    return out


async def changes_json(conn: AsyncConnection, borrower_id: str) -> list[dict[str, Any]]:
    """The account-change audit of one Borrower, oldest first: what commands and admins changed, and why."""
    rows = (
        (await conn.execute(select(account_changes).where(account_changes.c.borrower_id == borrower_id).order_by(account_changes.c.id)))
        .mappings()
        .all()
    )
    return [
        {
            "command": r["command"],
            "field": r["field"],
            "before": json.loads(r["before"]) if r["before"] is not None else None,
            "after": json.loads(r["after"]) if r["after"] is not None else None,
            "at": r["at"].isoformat(),
            "conversation_id": r["conversation_id"],
            "reverted": r["reverted_at"] is not None,
            "note": r["note"],
        }
        for r in rows
    ]


async def borrower_context(conn: AsyncConnection, conversation: Conversation, now: datetime) -> dict[str, Any]:
    borrower = await borrower_store.get_borrower(conn, conversation.borrower_id)
    hardship = [
        {"category": h.category.value, "consented": True, "recorded_at": h.recorded_at.isoformat()}
        for h in await hardship_store.list_hardships(conn, conversation.borrower_id)
    ]
    plans = [plan_json(p) for p in await plan_store.list_plans(conn, conversation.borrower_id)]
    handoffs = await handoff_store.for_conversation(conn, conversation.conversation_id)
    latest = handoffs[-1] if handoffs else None
    summary = None
    if latest is not None:
        summary = {
            "reason": latest.reason.value,
            "priority": latest.priority.value,
            "summary": latest.summary,
            "details": dict(latest.details),
            "requested_at": latest.requested_at.isoformat(),
        }
    changes = (
        (
            await conn.execute(
                select(account_changes)
                .where(account_changes.c.conversation_id == conversation.conversation_id)
                .order_by(account_changes.c.id)
            )
        )
        .mappings()
        .all()
    )
    open_promises = (
        (await conn.execute(select(promises).where(promises.c.borrower_id == conversation.borrower_id).order_by(promises.c.id)))
        .mappings()
        .all()
    )
    return {
        "borrower": account_json(borrower) if borrower else None,
        "hardship": hardship,
        "payment_plans": plans,
        "reminders": await reminders_json(conn, borrower, conversation.borrower_id),
        "handoff": summary,
        "speaker": conversation.speaker.value,
        "account_changes": [
            {"command": c["command"], "field": c["field"], "at": c["at"].isoformat(), "reverted": c["reverted_at"] is not None}
            for c in changes
        ],
        "promises": [{"id": p["id"], "promised_for": p["promised_for"].isoformat(), "status": p["status"]} for p in open_promises],
    }
