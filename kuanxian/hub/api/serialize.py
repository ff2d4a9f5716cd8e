"""JSON shapes of the domain types the API returns (they match the response schemas)."""

from __future__ import annotations

from typing import Any, Optional

from kuanxian.domain.plan import PaymentPlan
from kuanxian.storage.reports import Report


def plan_json(plan: PaymentPlan, borrower_id: Optional[str] = None) -> dict[str, Any]:
    return {
        "id": plan.plan_id,
        "borrower_id": plan.borrower_id or borrower_id or "",
        "status": plan.status.value,
        "frequency": plan.frequency.value,
        "installment_amount": str(plan.regular_amount),
        "count": plan.count,
        "first_date": plan.first_date.isoformat(),
        "last_amount": str(plan.last_amount),
        "total": str(plan.total),
        "interest_frozen": plan.interest_frozen,
        "holiday_days": plan.holiday_days,
        "agreed_by": plan.agreed_by,
        "created_at": plan.created_at.isoformat() if plan.created_at else None,
        "installments": [
            {"seq": i.seq, "due_date": i.due.isoformat(), "amount": str(i.amount), "status": i.status.value, "paid": str(i.paid)}
            for i in plan.installments
        ],
    }


def report_json(report: Report) -> dict[str, Any]:
    return {
        "id": report.report_id,
        "text": report.text,
        "reported_by": report.reported_by,
        "conversation_id": report.conversation_id,
        "violations": report.violations,
        "created_at": report.created_at.isoformat(),
        "status": report.status,
        "label": report.label,
        "category": report.category,
    }
