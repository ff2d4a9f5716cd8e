"""The Borrower context a Collector sees next to the transcript."""

from __future__ import annotations

from typing import Any, Optional

from kuanxian.hub.service import Hub


def _iso(value: Any) -> Optional[str]:
    return value.isoformat() if value is not None else None


async def borrower_context(hub: Hub, borrower_id: str) -> dict[str, Any]:
    borrower = await hub.accounts.get_borrower(borrower_id)
    account: Optional[dict[str, Any]] = None
    if borrower is not None:
        p, f = borrower.policy, borrower.flags
        account = {
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
    hardship = [
        {"category": h.category, "consented": True, "recorded_at": h.recorded_at.isoformat()}
        for h in await hub.accounts.list_hardships(borrower_id)
    ]
    plans = []
    for stored in await hub.accounts.list_payment_plans(borrower_id):
        s = stored.schedule
        plans.append(
            {
                "id": stored.plan_id,
                "status": stored.status,
                "frequency": s.frequency.value,
                "installment_amount": str(s.regular_amount),
                "count": s.count,
                "first_date": s.first_date.isoformat(),
                "last_amount": str(s.last_amount),
                "interest_frozen": s.interest_frozen,
                "installments": [
                    {"seq": i.seq, "due_date": i.due.isoformat(), "amount": str(i.amount), "status": "due"}
                    for i in s.installments
                ],
            }
        )
    reminders = await hub.reminders.list_for(borrower_id) if hub.reminders is not None else []
    return {"borrower": account, "hardship": hardship, "payment_plans": plans, "reminders": reminders}
