"""After the plan: missed Installments and Promises, broken plans, gentle check-ins.

Runs every minute or so in each hub (idempotent: every change is conditional
on the row's current status). Dates are the Borrower's own: an Installment is
missed once `grace_days` have passed after its due date in the Borrower's zone,
so a daylight-saving change never moves it by a day.

A missed Installment or Promise gets one gentle check-in under the contact
rules ("是不是遇到了什么情况？可以重新商量"); a plan with `broken_after_missed`
missed Installments is broken and goes to a person (reason plan_broken).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Optional

from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping

from kuanxian.domain.events import InstallmentMissed, PlanBroken, PromiseMissed
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.plan import InstallmentStatus, PlanStatus
from kuanxian.domain.reminder import ReminderKind
from kuanxian.money import from_fen, to_fen
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage import plans as plan_store
from kuanxian.storage.schema import installments, payment_plans, promises

if TYPE_CHECKING:
    from kuanxian.hub.services import Hub

logger = logging.getLogger(__name__)


class AftercareJob:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def run_forever(self, interval: float) -> None:
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("aftercare run failed")
            await asyncio.sleep(interval)

    async def run_once(self, as_of: Optional[datetime] = None) -> int:
        """Mark what was missed (as of `as_of`, default now); returns how many Installments and Promises changed."""
        changed = 0
        async with self.hub.transactions.read() as conn:
            plan_ids = (
                (await conn.execute(select(payment_plans.c.id).where(payment_plans.c.status == PlanStatus.ACTIVE.value))).scalars().all()
            )
            promise_rows = (await conn.execute(select(promises).where(promises.c.status == "open"))).mappings().all()
        for plan_id in plan_ids:
            changed += await self._plan(int(plan_id), as_of)
        for row in promise_rows:
            changed += await self._promise(row, as_of)
        return changed

    async def _plan(self, plan_id: int, as_of: Optional[datetime]) -> int:
        settings = self.hub.settings
        changed = 0
        async with self.hub.transactions() as tx:
            plan = await plan_store.get_plan(tx.conn, plan_id)
            if plan is None or plan.status is not PlanStatus.ACTIVE:
                return 0
            borrower = await borrower_store.get_borrower(tx.conn, plan.borrower_id)
            if borrower is None:
                return 0
            today = borrower.today(as_of or tx.now)
            for item in plan.installments:
                if item.status in (InstallmentStatus.DUE, InstallmentStatus.PARTLY_PAID) and today > item.due + timedelta(
                    days=settings.installment_grace_days
                ):
                    result = await tx.conn.execute(
                        update(installments)
                        .where(installments.c.plan_id == plan_id)
                        .where(installments.c.seq == item.seq)
                        .where(installments.c.status == item.status.value)
                        .values(status=InstallmentStatus.MISSED.value)
                    )
                    if result.rowcount != 1:
                        continue
                    await plan_store.touch_plan(tx.conn, plan_id, tx.now)
                    changed += 1
                    missed = replace(item, status=InstallmentStatus.MISSED)
                    tx.emit(InstallmentMissed(plan.borrower_id, plan_id, missed))
                    await self.hub.reminders.schedule_in(
                        tx,
                        plan.borrower_id,
                        ReminderKind.CHECK_IN,
                        tx.now,
                        source="aftercare",
                        amount_fen=to_fen(item.outstanding),
                        due_date=item.due,
                        plan_id=plan_id,
                        installment_seq=item.seq,
                    )
            fresh = await plan_store.get_plan(tx.conn, plan_id)
            if fresh is None:
                return changed
            missed_count = sum(i.status is InstallmentStatus.MISSED for i in fresh.installments)
            # Conditional on the plan still being active: two hubs running this at once break it (and hand it over) once.
            if missed_count >= settings.broken_after_missed and await plan_store.set_plan_status(
                tx.conn, plan_id, PlanStatus.BROKEN, tx.now, only_from=PlanStatus.ACTIVE
            ):
                tx.emit(PlanBroken(replace(fresh, status=PlanStatus.BROKEN), missed_count))
                conversation = await conversation_store.find_open(tx.conn, plan.borrower_id) or await conversation_store.create(
                    tx.conn, plan.borrower_id, tx.now
                )
                await self.hub.handoffs.request(
                    tx,
                    conversation,
                    HandoffReason.PLAN_BROKEN,
                    Priority.NORMAL,
                    f"还款计划#{plan_id}已有{missed_count}期未还",
                    {"plan_id": plan_id, "missed": missed_count},
                )
        return changed

    async def _promise(self, row: RowMapping, as_of: Optional[datetime]) -> int:
        settings = self.hub.settings
        async with self.hub.transactions() as tx:
            borrower = await borrower_store.get_borrower(tx.conn, str(row["borrower_id"]))
            if borrower is None:
                return 0
            promised_for: date = row["promised_for"]
            if borrower.today(as_of or tx.now) <= promised_for + timedelta(days=settings.installment_grace_days):
                return 0
            result = await tx.conn.execute(
                update(promises)
                .where(promises.c.id == row["id"])
                .where(promises.c.status == "open")
                .values(status="missed", settled_at=tx.now)
            )
            if result.rowcount != 1:
                return 0
            amount = from_fen(int(row["amount_fen"])) if row["amount_fen"] is not None else None
            tx.emit(PromiseMissed(borrower.borrower_id, int(row["id"]), promised_for, amount))
            await self.hub.reminders.schedule_in(tx, borrower.borrower_id, ReminderKind.CHECK_IN, tx.now, source="aftercare")
            return 1
