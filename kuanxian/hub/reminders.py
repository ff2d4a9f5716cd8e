"""The one scheduler for proactive messages: contact rules at schedule and fire time.

Every decision (scheduled, deferred, suppressed, sent, failed, cancelled) is
stored with its reason. Firing is at-least-once with idempotent delivery: each
bot message of a Reminder carries the client id `reminder-<id>:<n>`, so a fire
repeated after a crash never shows the Borrower two messages. Due rows are
leased with `FOR UPDATE SKIP LOCKED`, so two hubs on PostgreSQL never fire the
same Reminder, and never two Reminders of one Borrower at once (the caps count
what was sent).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable, Mapping, Optional

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from kuanxian.accounts import Borrower
from kuanxian.hub.errors import invalid, not_found
from kuanxian.hub.rasa_client import RasaUnavailable
from kuanxian.hub.store import HUMAN_STATUSES
from kuanxian.hub.validation import aware_datetime, money
from kuanxian.money import from_fen, to_fen
from kuanxian.safety.contact import ContactDecision, ContactLimits, ContactState, decide
from kuanxian.storage.schema import borrowers, conversations, installments, payment_plans, reminder_decisions, reminders

logger = logging.getLogger(__name__)

KINDS = ("upcoming_due", "overdue", "installment_due", "follow_up")
PENDING = ("scheduled", "deferred")
LEASE = timedelta(seconds=60)
RETRY = timedelta(minutes=5)
MAX_ATTEMPTS = 5
PAST_TOLERANCE = timedelta(hours=1)
NOTICE_DAYS_BEFORE_INSTALLMENT = 3
NOTICE_TIME = time(10, 0)


def utcnow() -> datetime:
    return datetime.now(tz=timezone.utc)


class ReminderService:
    """Schedules, re-checks and fires Reminders for one hub instance."""

    def __init__(
        self,
        engine: AsyncEngine,
        hub: Any,
        limits: ContactLimits,
        *,
        clock: Callable[[], datetime] = utcnow,
        instance_id: Optional[str] = None,
    ) -> None:
        self.engine = engine
        self.hub = hub
        self.limits = limits
        self.clock = clock
        self.instance_id = instance_id or f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._tick_lock = asyncio.Lock()

    # Scheduling ------------------------------------------------------------
    async def schedule_from_body(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """The lender's POST /api/admin/reminders, validated field by field."""
        borrower_id = body.get("borrower_id")
        if not isinstance(borrower_id, str) or not borrower_id:
            raise invalid("borrower_id", "is required")
        kind = body.get("kind")
        if kind not in KINDS:
            raise invalid("kind", f"must be one of {', '.join(KINDS)}")
        send_at = aware_datetime(body.get("send_at"), "send_at")
        if send_at < self.clock() - PAST_TOLERANCE:
            raise invalid("send_at", "is in the past")
        if await self.hub.accounts.get_borrower(borrower_id) is None:
            raise not_found("borrower")
        amount = body.get("amount")
        due = body.get("due_date")
        amount_fen = to_fen(money(body, "amount", positive=True)) if amount is not None else None
        if due is not None and not isinstance(due, str):
            raise invalid("due_date", "must be YYYY-MM-DD")
        try:
            due_date = date.fromisoformat(due) if due else None
        except ValueError as exc:
            raise invalid("due_date", "must be YYYY-MM-DD") from exc
        return await self.schedule(borrower_id, kind, send_at, source="lender", amount_fen=amount_fen, due_date=due_date)

    async def schedule(
        self,
        borrower_id: str,
        kind: str,
        send_at: datetime,
        *,
        source: str,
        amount_fen: Optional[int] = None,
        due_date: Optional[date] = None,
        plan_id: Optional[int] = None,
        installment_seq: Optional[int] = None,
    ) -> dict[str, Any]:
        """Store a Reminder with the contact rules' verdict for its send time."""
        borrower = await self.hub.accounts.get_borrower(borrower_id)
        if borrower is None:
            raise not_found("borrower")
        now = self.clock()
        at = max(send_at, now)
        decision = await self._decide(borrower, kind, at)
        status, scheduled_for = _status_of(decision, at)
        async with self.engine.begin() as conn:
            result = await conn.execute(
                reminders.insert().values(
                    borrower_id=borrower_id, kind=kind, source=source, send_at=send_at,
                    scheduled_for=scheduled_for, status=status, reason=decision.reason,
                    amount_fen=amount_fen, due_date=due_date, plan_id=plan_id,
                    installment_seq=installment_seq, attempts=0, created_at=now,
                )
            )
            reminder_id = int(result.inserted_primary_key[0])
            await conn.execute(
                reminder_decisions.insert().values(
                    reminder_id=reminder_id, decided_at=now, outcome=status, reason=decision.reason, scheduled_for=scheduled_for
                )
            )
        if status == "scheduled" and scheduled_for <= now:
            self.hub.spawn(self.tick())
        return {
            "id": reminder_id,
            "status": status,
            "scheduled_for": _local(scheduled_for, borrower),
            "reason": decision.reason,
        }

    async def schedule_plan(self, plan_id: int) -> list[dict[str, Any]]:
        """One gentle installment_due notice 3 days before each Installment; overdue ones stop."""
        async with self.engine.connect() as conn:
            plan = (await conn.execute(select(payment_plans).where(payment_plans.c.id == plan_id))).mappings().first()
            if plan is None:
                raise not_found("payment plan")
            rows = (
                await conn.execute(select(installments).where(installments.c.plan_id == plan_id).order_by(installments.c.seq))
            ).mappings().all()
        borrower = await self.hub.accounts.get_borrower(plan["borrower_id"])
        assert borrower is not None
        await self._cancel_overdue(borrower.borrower_id, "plan_current")
        results = []
        now = self.clock()
        for row in rows:
            notice_day = row["due_date"] - timedelta(days=NOTICE_DAYS_BEFORE_INSTALLMENT)
            send_at = datetime.combine(notice_day, NOTICE_TIME, tzinfo=borrower.zone)
            if send_at < now:
                continue
            results.append(
                await self.schedule(
                    borrower.borrower_id, "installment_due", send_at, source="plan",
                    amount_fen=row["amount_fen"], due_date=row["due_date"], plan_id=plan_id, installment_seq=row["seq"],
                )
            )
        return results

    async def _cancel_overdue(self, borrower_id: str, reason: str) -> None:
        now = self.clock()
        async with self.engine.begin() as conn:
            ids = (
                await conn.execute(
                    select(reminders.c.id).where(reminders.c.borrower_id == borrower_id)
                    .where(reminders.c.kind == "overdue").where(reminders.c.status.in_(PENDING))
                )
            ).scalars().all()
            for rid in ids:
                await conn.execute(update(reminders).where(reminders.c.id == rid).values(status="cancelled", reason=reason))
                await conn.execute(reminder_decisions.insert().values(reminder_id=rid, decided_at=now, outcome="cancelled", reason=reason))

    # Firing ------------------------------------------------------------------
    async def run_forever(self, interval: float) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("reminder tick failed")
            await asyncio.sleep(interval)

    async def tick(self, batch: int = 20) -> int:
        """Fire every due Reminder this instance can lease; returns how many were handled.

        One tick at a time per instance (the loop and the tick `schedule` starts for a
        Reminder due now would otherwise race each other on one Borrower's caps).
        """
        async with self._tick_lock:
            handled = 0
            for reminder_id in await self._lease_due(batch):
                try:
                    await self._fire(reminder_id)
                except Exception:
                    # Keep the lease: the Reminder is retried when it expires; the others still fire.
                    logger.exception("reminder %s could not be fired", reminder_id)
                handled += 1
            return handled

    async def _lease_due(self, batch: int) -> list[int]:
        """Lease due Reminders, never one whose Borrower has a Reminder leased elsewhere.

        Caps count sent Reminders, so two Reminders of one Borrower fired at once (by two
        hubs) would both pass them. The Borrower row is locked while leasing (FOR NO KEY
        UPDATE SKIP LOCKED on PostgreSQL), and a Borrower with a live lease is skipped
        until that Reminder is recorded; within one batch they fire one after another.
        """
        now = self.clock()
        async with self.engine.begin() as conn:
            candidates = (
                await conn.execute(
                    select(reminders.c.id, reminders.c.borrower_id)
                    .where(reminders.c.status.in_(PENDING))
                    .where(reminders.c.scheduled_for <= now)
                    .where(or_(reminders.c.lease_until.is_(None), reminders.c.lease_until < now))
                    .order_by(reminders.c.scheduled_for, reminders.c.id)
                    .limit(batch)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            leased: list[int] = []
            mine: set[str] = set()
            busy: set[str] = set()
            for rid, borrower_id in candidates:
                if borrower_id in busy:
                    continue
                if borrower_id not in mine:
                    locked = (
                        await conn.execute(
                            select(borrowers.c.id).where(borrowers.c.id == borrower_id)
                            .with_for_update(skip_locked=True, key_share=True)
                        )
                    ).first()
                    elsewhere = (
                        await conn.execute(
                            select(reminders.c.id).where(reminders.c.borrower_id == borrower_id)
                            .where(reminders.c.status.in_(PENDING))
                            .where(reminders.c.lease_until >= now)
                            .limit(1)
                        )
                    ).first()
                    if locked is None or elsewhere is not None:
                        busy.add(borrower_id)
                        continue
                    mine.add(borrower_id)
                result = await conn.execute(
                    update(reminders)
                    .where(reminders.c.id == rid)
                    .where(or_(reminders.c.lease_until.is_(None), reminders.c.lease_until < now))
                    .values(lease_owner=self.instance_id, lease_until=now + LEASE)
                )
                if result.rowcount == 1:
                    leased.append(rid)
        return leased

    async def _fire(self, reminder_id: int) -> None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(reminders).where(reminders.c.id == reminder_id))).mappings().first()
        if row is None or row["status"] not in PENDING or row["lease_owner"] != self.instance_id:
            return
        borrower = await self.hub.accounts.get_borrower(row["borrower_id"])
        if borrower is None:
            await self._record(reminder_id, "suppressed", "unknown_borrower", None)
            return
        now = self.clock()
        decision = await self._decide(borrower, row["kind"], now, exclude_id=reminder_id)
        if decision.outcome == "suppress":
            await self._record(reminder_id, "suppressed", decision.reason, None)
            return
        if decision.outcome == "defer":
            await self._record(reminder_id, "deferred", decision.reason, decision.next_allowed_at)
            return
        try:
            await self._deliver(row, borrower)
        except RasaUnavailable as exc:
            attempts = row["attempts"] + 1
            logger.error("reminder %s failed (attempt %s): %s", reminder_id, attempts, exc)
            if attempts >= MAX_ATTEMPTS:
                await self._record(reminder_id, "suppressed", "delivery_failed", None, attempts=attempts)
            else:
                await self._record(reminder_id, "deferred", "delivery_failed", now + RETRY, attempts=attempts, outcome="failed")
            return
        await self._record(reminder_id, "sent", None, row["scheduled_for"], sent_at=now)

    async def _deliver(self, row: Mapping[str, Any], borrower: Borrower) -> None:
        """Trigger the reminder turn in Rasa and deliver its messages exactly once."""
        hub = self.hub
        conversation = await hub.store.open_conversation(borrower.borrower_id)
        cid = conversation.conversation_id
        prefix = f"reminder-{row['id']}"
        if await hub.store.by_client_id(cid, f"{prefix}:0") is not None:
            return  # delivered before a crash; only the record was missing
        amount = from_fen(row["amount_fen"]) if row["amount_fen"] is not None else borrower.balance
        entities = {"amount": str(amount)}
        if row["due_date"] is not None:
            entities["due_date"] = row["due_date"].isoformat()
        async with hub.turn_lock(cid):
            outputs = await hub.rasa.trigger(cid, "EXTERNAL_payment_reminder", entities, borrower.borrower_id)
            if not any(isinstance(o.get("text"), str) and o["text"].strip() for o in outputs if isinstance(o, dict)):
                # e.g. the action server failed: Rasa still answers 200, with nothing to show.
                raise RasaUnavailable("Rasa returned no reminder message")
            await hub.deliver(cid, borrower.borrower_id, outputs, client_prefix=prefix)

    async def _record(
        self,
        reminder_id: int,
        status: str,
        reason: Optional[str],
        scheduled_for: Optional[datetime],
        *,
        sent_at: Optional[datetime] = None,
        attempts: Optional[int] = None,
        outcome: Optional[str] = None,
    ) -> None:
        now = self.clock()
        values: dict[str, Any] = {"status": status, "reason": reason, "lease_owner": None, "lease_until": None}
        if scheduled_for is not None or status == "suppressed":
            values["scheduled_for"] = scheduled_for
        if sent_at is not None:
            values["sent_at"] = sent_at
        if attempts is not None:
            values["attempts"] = attempts
        async with self.engine.begin() as conn:
            await conn.execute(update(reminders).where(reminders.c.id == reminder_id).values(**values))
            await conn.execute(
                reminder_decisions.insert().values(
                    reminder_id=reminder_id, decided_at=now, outcome=outcome or status, reason=reason, scheduled_for=scheduled_for
                )
            )

    # Rules -------------------------------------------------------------------
    async def _decide(self, borrower: Borrower, kind: str, at: datetime, *, exclude_id: Optional[int] = None) -> ContactDecision:
        flags = borrower.flags
        async with self.engine.connect() as conn:
            with_collector = (
                await conn.execute(
                    select(conversations.c.id).where(conversations.c.borrower_id == borrower.borrower_id)
                    .where(conversations.c.status.in_(HUMAN_STATUSES)).limit(1)
                )
            ).first() is not None
            recent = (
                await conn.execute(
                    select(reminders.c.sent_at).where(reminders.c.borrower_id == borrower.borrower_id)
                    .where(reminders.c.status == "sent").where(reminders.c.sent_at > at - timedelta(days=8))
                )
            ).scalars().all()
            plan_current = kind == "overdue" and (
                await conn.execute(
                    select(payment_plans.c.id).where(payment_plans.c.borrower_id == borrower.borrower_id)
                    .where(payment_plans.c.status == "active").limit(1)
                )
            ).first() is not None
        if flags.crisis_pause_until is not None and at < flags.crisis_pause_until:
            # A crisis also brings in a person (with_collector), which the contact rules rank
            # first; the lender and the console must see that this Borrower is in crisis.
            return ContactDecision(outcome="suppress", reason="crisis_pause", next_allowed_at=flags.crisis_pause_until)
        if plan_current:
            return ContactDecision(outcome="suppress", reason="plan_current", next_allowed_at=None)
        state = ContactState(
            timezone=borrower.timezone,
            opted_out=flags.opted_out,
            dispute_open=flags.dispute_open,
            with_collector=with_collector,
            wrong_contact=flags.wrong_contact,
            crisis_pause_until=flags.crisis_pause_until,
            hardship_pause_until=flags.hardship_pause_until,
            breathing_space_until=flags.breathing_space_until,
            recent_contacts=tuple(recent),
        )
        return decide(state, at, self.limits)

    # Reading -----------------------------------------------------------------
    async def list_for(self, borrower_id: str) -> list[dict[str, Any]]:
        borrower = await self.hub.accounts.get_borrower(borrower_id)
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(select(reminders).where(reminders.c.borrower_id == borrower_id).order_by(reminders.c.id))
            ).mappings().all()
            history = (
                await conn.execute(
                    select(reminder_decisions)
                    .where(reminder_decisions.c.reminder_id.in_([r["id"] for r in rows] or [-1]))
                    .order_by(reminder_decisions.c.id)
                )
            ).mappings().all()
        by_reminder: dict[int, list[dict[str, Any]]] = {}
        for h in history:
            by_reminder.setdefault(h["reminder_id"], []).append(
                {"at": _local(h["decided_at"], borrower), "decision": h["outcome"], "reason": h["reason"],
                 "scheduled_for": _local(h["scheduled_for"], borrower)}
            )
        return [
            {
                "id": r["id"], "kind": r["kind"], "source": r["source"], "status": r["status"], "reason": r["reason"],
                "send_at": _local(r["send_at"], borrower), "scheduled_for": _local(r["scheduled_for"], borrower),
                "sent_at": _local(r["sent_at"], borrower),
                "amount": str(from_fen(r["amount_fen"])) if r["amount_fen"] is not None else None,
                "due_date": r["due_date"].isoformat() if r["due_date"] else None,
                "history": by_reminder.get(r["id"], []),
            }
            for r in rows
        ]


def _status_of(decision: ContactDecision, at: datetime) -> tuple[str, Optional[datetime]]:
    if decision.outcome == "send":
        return "scheduled", at
    if decision.outcome == "defer":
        return "deferred", decision.next_allowed_at
    return "suppressed", None


def _local(value: Optional[datetime], borrower: Optional[Borrower]) -> Optional[str]:
    if value is None:
        return None
    return (value.astimezone(borrower.zone) if borrower else value).isoformat()
