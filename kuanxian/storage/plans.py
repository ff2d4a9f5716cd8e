"""PaymentPlans and their Installments: rows <-> kuanxian.domain.PaymentPlan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Optional

from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian.dates import Frequency
from kuanxian.domain.plan import Installment, InstallmentStatus, PaymentPlan, PlanStatus
from kuanxian.money import from_fen, to_fen
from kuanxian.storage.rows import inserted_id
from kuanxian.storage.schema import installments, payment_plans


def _plan(row: RowMapping, rows: Sequence[RowMapping]) -> PaymentPlan:
    items = tuple(
        Installment(
            seq=r["seq"],
            due=r["due_date"],
            amount=from_fen(r["amount_fen"]),
            status=InstallmentStatus(r["status"]),
            paid=from_fen(r["paid_fen"] or 0),
        )
        for r in sorted(rows, key=lambda r: r["seq"])
    )
    return PaymentPlan(
        installments=items,
        frequency=Frequency(row["frequency"]),
        total=from_fen(row["total_fen"]),
        interest_frozen=bool(row["interest_frozen"]),
        holiday_days=row["holiday_days"],
        plan_id=row["id"],
        borrower_id=row["borrower_id"],
        status=PlanStatus(row["status"]),
        created_at=row["created_at"],
        conversation_id=row["conversation_id"],
        agreed_by=row["agreed_by"] or "assistant",
    )


async def save_plan(
    conn: AsyncConnection,
    borrower_id: str,
    plan: PaymentPlan,
    now: datetime,
    *,
    conversation_id: Optional[str] = None,
    agreed_by: str = "assistant",
) -> PaymentPlan:
    """Store an agreed PaymentPlan; an earlier active plan is superseded."""
    await conn.execute(
        update(payment_plans)
        .where(payment_plans.c.borrower_id == borrower_id)
        .where(payment_plans.c.status == PlanStatus.ACTIVE.value)
        .values(status=PlanStatus.SUPERSEDED.value, status_changed_at=now)
    )
    result = await conn.execute(
        payment_plans.insert().values(
            borrower_id=borrower_id,
            conversation_id=conversation_id,
            status=PlanStatus.ACTIVE.value,
            frequency=plan.frequency.value,
            installment_amount_fen=to_fen(plan.regular_amount),
            installment_count=plan.count,
            last_amount_fen=to_fen(plan.last_amount),
            total_fen=to_fen(plan.total),
            first_date=plan.first_date,
            interest_frozen=plan.interest_frozen,
            holiday_days=plan.holiday_days,
            created_at=now,
            agreed_by=agreed_by,
            status_changed_at=now,
        )
    )
    plan_id = inserted_id(result)
    await conn.execute(
        installments.insert(),
        [
            {
                "plan_id": plan_id,
                "seq": i.seq,
                "due_date": i.due,
                "amount_fen": to_fen(i.amount),
                "status": InstallmentStatus.DUE.value,
                "paid_fen": 0,
            }
            for i in plan.installments
        ],
    )
    # Just inserted in this transaction (`one()` raises if it is somehow not there).
    row = (await conn.execute(select(payment_plans).where(payment_plans.c.id == plan_id))).mappings().one()
    return await _with_installments(conn, plan_id, row)


async def get_plan(conn: AsyncConnection, plan_id: int) -> Optional[PaymentPlan]:
    row = (await conn.execute(select(payment_plans).where(payment_plans.c.id == plan_id))).mappings().first()
    if row is None:
        return None
    return await _with_installments(conn, plan_id, row)


async def _with_installments(conn: AsyncConnection, plan_id: int, row: RowMapping) -> PaymentPlan:
    rows = (await conn.execute(select(installments).where(installments.c.plan_id == plan_id))).mappings().all()
    return _plan(row, rows)


async def list_plans(conn: AsyncConnection, borrower_id: str) -> list[PaymentPlan]:
    ids = (
        (await conn.execute(select(payment_plans.c.id).where(payment_plans.c.borrower_id == borrower_id).order_by(payment_plans.c.id)))
        .scalars()
        .all()
    )
    return [p for p in [await get_plan(conn, int(i)) for i in ids] if p is not None]


async def active_plan(conn: AsyncConnection, borrower_id: str) -> Optional[PaymentPlan]:
    plan_id = (
        await conn.execute(
            select(payment_plans.c.id)
            .where(payment_plans.c.borrower_id == borrower_id)
            .where(payment_plans.c.status == PlanStatus.ACTIVE.value)
            .order_by(payment_plans.c.id.desc())
            .limit(1)
        )
    ).scalar()
    return await get_plan(conn, int(plan_id)) if plan_id is not None else None


async def page_plans(
    conn: AsyncConnection, *, status: Optional[PlanStatus], since: Optional[datetime], after_id: int, limit: int
) -> list[PaymentPlan]:
    query = select(payment_plans.c.id).where(payment_plans.c.id > after_id)
    if status is not None:
        query = query.where(payment_plans.c.status == status.value)
    if since is not None:
        query = query.where(payment_plans.c.status_changed_at >= since)
    ids = (await conn.execute(query.order_by(payment_plans.c.id).limit(limit))).scalars().all()
    return [p for p in [await get_plan(conn, int(i)) for i in ids] if p is not None]


async def set_installment(
    conn: AsyncConnection, plan_id: int, seq: int, *, status: InstallmentStatus, paid_fen: int, now: datetime
) -> None:
    """An Installment's new status and amount paid; the plan counts as changed (GET /plans?since= finds it)."""
    await conn.execute(
        update(installments)
        .where(installments.c.plan_id == plan_id)
        .where(installments.c.seq == seq)
        .values(status=status.value, paid_fen=paid_fen)
    )
    await touch_plan(conn, plan_id, now)


async def touch_plan(conn: AsyncConnection, plan_id: int, now: datetime) -> None:
    """Record that the plan or one of its Installments changed at `now`."""
    await conn.execute(update(payment_plans).where(payment_plans.c.id == plan_id).values(status_changed_at=now))


async def set_plan_status(
    conn: AsyncConnection, plan_id: int, status: PlanStatus, now: datetime, *, only_from: Optional[PlanStatus] = None
) -> bool:
    """Move a plan to `status`; with `only_from`, only if it still has that status (False when it had not)."""
    query = update(payment_plans).where(payment_plans.c.id == plan_id)
    if only_from is not None:
        query = query.where(payment_plans.c.status == only_from.value)
    result = await conn.execute(query.values(status=status.value, status_changed_at=now))
    return result.rowcount == 1
