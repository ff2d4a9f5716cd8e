"""Payments in: allocate to the active plan, oldest Installment first, to the fen.

Idempotent on the lender's `payment_id` (the same id with another amount is a
409). Without a plan a payment reduces the balance. A fully paid plan is
completed; open Promises it covers are kept (see `keep_promises`); a short
thank-you with what is left and the next date is scheduled under the contact rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Optional

from sqlalchemy import select, update

from kuanxian.domain.events import InstallmentPaid, PaymentReceived, PlanCompleted, PromiseKept
from kuanxian.domain.payment import Allocation, Payment
from kuanxian.domain.plan import InstallmentStatus, PlanStatus
from kuanxian.domain.reminder import ReminderKind
from kuanxian.hub.reminders import ReminderService
from kuanxian.hub.tx import Tx
from kuanxian.money import from_fen, to_fen
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import plans as plan_store
from kuanxian.storage.schema import payments, promises


class PaymentConflict(Exception):
    """The payment id was used before with a different amount or borrower."""


class UnknownBorrower(Exception):
    pass


@dataclass(frozen=True)
class Recorded:
    payment: Payment
    duplicate: bool


@dataclass(frozen=True)
class OpenPromise:
    promise_id: int
    promised_for: date
    amount_fen: Optional[int]


def promises_kept(open_promises: list[OpenPromise], amount_fen: int, paid_on: date, grace_days: int) -> list[OpenPromise]:
    """The open Promises one payment keeps.

    Only Promises due on or before the payment's day + `grace_days` count (a payment today does not
    keep a promise for next month). Oldest first (by day, then by when it was made), the payment
    covers their amounts cumulatively, to the fen, and stops at the first it cannot cover in full.
    A Promise without an amount ("I'll pay on the 20th") is kept by any payment in its window.
    """
    last_day = paid_on + timedelta(days=grace_days)
    left = amount_fen
    kept: list[OpenPromise] = []
    for promise in sorted(open_promises, key=lambda p: (p.promised_for, p.promise_id)):
        if promise.promised_for > last_day:
            break
        needed = promise.amount_fen or 0
        if needed > left:
            break
        left -= needed
        kept.append(promise)
    return kept


async def record_payment(
    tx: Tx,
    reminders: ReminderService,
    payment_id: str,
    borrower_id: str,
    amount: Decimal,
    paid_at: datetime,
    *,
    grace_days: int = 3,
) -> Recorded:
    existing = (await tx.conn.execute(select(payments).where(payments.c.payment_id == payment_id))).mappings().first()
    if existing is not None:
        if existing["borrower_id"] != borrower_id or existing["amount_fen"] != to_fen(amount):
            raise PaymentConflict(payment_id)
        recorded = tuple(Allocation(a["seq"], from_fen(a["amount_fen"])) for a in json.loads(existing["allocations"]))
        spent = sum((a.amount for a in recorded), Decimal("0.00"))
        return Recorded(Payment(payment_id, borrower_id, amount, existing["paid_at"], existing["plan_id"], recorded, amount - spent), True)
    borrower = await borrower_store.get_borrower(tx.conn, borrower_id, for_update=True)
    if borrower is None:
        raise UnknownBorrower(borrower_id)
    plan = await plan_store.active_plan(tx.conn, borrower_id)
    left = to_fen(amount)
    allocations: list[Allocation] = []
    if plan is not None and plan.plan_id is not None:
        for item in plan.installments:
            if left <= 0:
                break
            if item.status is InstallmentStatus.PAID:
                continue
            owed = to_fen(item.amount) - to_fen(item.paid)
            if owed <= 0:
                continue
            take = min(owed, left)
            left -= take
            paid_fen = to_fen(item.paid) + take
            if paid_fen >= to_fen(item.amount):
                status = InstallmentStatus.PAID
            else:  # a missed Installment stays missed until it is paid in full: it was missed once, checked in on once
                status = InstallmentStatus.MISSED if item.status is InstallmentStatus.MISSED else InstallmentStatus.PARTLY_PAID
            await plan_store.set_installment(tx.conn, plan.plan_id, item.seq, status=status, paid_fen=paid_fen, now=tx.now)
            allocations.append(Allocation(item.seq, from_fen(take)))
            if status is InstallmentStatus.PAID:
                tx.emit(InstallmentPaid(borrower_id, plan.plan_id, replace(item, status=status, paid=from_fen(paid_fen))))
        updated = await plan_store.get_plan(tx.conn, plan.plan_id)
        if (
            updated is not None
            and all(i.status is InstallmentStatus.PAID for i in updated.installments)
            and await plan_store.set_plan_status(tx.conn, plan.plan_id, PlanStatus.COMPLETED, tx.now, only_from=PlanStatus.ACTIVE)
        ):
            tx.emit(PlanCompleted(replace(updated, status=PlanStatus.COMPLETED)))
        plan = updated
    await borrower_store.reduce_balance(tx.conn, borrower_id, to_fen(amount), tx.now)
    await tx.conn.execute(
        payments.insert().values(
            payment_id=payment_id,
            borrower_id=borrower_id,
            amount_fen=to_fen(amount),
            paid_at=paid_at,
            plan_id=plan.plan_id if plan is not None else None,
            allocations=json.dumps([{"seq": a.seq, "amount_fen": to_fen(a.amount)} for a in allocations]),
            received_at=tx.now,
        )
    )
    open_rows = (
        await tx.conn.execute(
            select(promises.c.id, promises.c.promised_for, promises.c.amount_fen)
            .where(promises.c.borrower_id == borrower_id)
            .where(promises.c.status == "open")
        )
    ).all()
    open_promises = [OpenPromise(int(r[0]), r[1], r[2]) for r in open_rows]
    for promise in promises_kept(open_promises, to_fen(amount), borrower.today(paid_at), grace_days):
        await tx.conn.execute(
            update(promises)
            .where(promises.c.id == promise.promise_id)
            .where(promises.c.status == "open")
            .values(status="kept", settled_at=tx.now)
        )
        amount_kept = from_fen(promise.amount_fen) if promise.amount_fen is not None else None
        tx.emit(PromiseKept(borrower_id, promise.promise_id, promise.promised_for, amount_kept))
    fresh = await borrower_store.get_borrower(tx.conn, borrower_id)
    next_due = plan.next_due(borrower.today(tx.now)) if plan is not None and plan.status is PlanStatus.ACTIVE else None
    tx.emit(PaymentReceived(borrower_id, payment_id, amount, fresh.balance if fresh else Decimal("0"), next_due.due if next_due else None))
    await reminders.schedule_in(
        tx,
        borrower_id,
        ReminderKind.PAYMENT_THANKS,
        tx.now,
        source="payment",
        amount_fen=to_fen(amount),
        due_date=next_due.due if next_due else None,
        plan_id=plan.plan_id if plan is not None else None,
    )
    spent = sum((a.amount for a in allocations), Decimal("0.00"))
    return Recorded(
        Payment(payment_id, borrower_id, amount, paid_at, plan.plan_id if plan else None, tuple(allocations), amount - spent), False
    )


def to_balance_of(recorded: Recorded) -> Optional[Decimal]:
    return recorded.payment.to_balance
