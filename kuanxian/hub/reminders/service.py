"""The one scheduler for proactive messages: contact rules at schedule time and again at fire time.

Every decision (scheduled, deferred, suppressed, sent, failed, cancelled) is
stored with its reason. Firing is at-least-once with idempotent delivery: the
messages of a Reminder carry the client id `reminder-<id>:<n>`, so a fire
repeated after a crash never shows the Borrower two messages. Due rows are
leased with FOR UPDATE SKIP LOCKED, so two hubs never fire the same Reminder,
and the transaction that stores the texts first re-takes the lease: a lease that
ran out while the assistant composed the text (another hub may have taken it)
stores nothing, so a Reminder is marked sent once. Leased Reminders of
different Borrowers are fired side by side (FIRE_CONCURRENCY), one Borrower's
in order, so a slow assistant does not leave the rest of the batch overdue.

It listens to the bus: an agreed plan gets a gentle notice before each
Installment (and overdue reminders stop).

The commands of a proactive reply (a reminder, a thank-you, a check-in) are
applied like those of a Borrower's turn (kuanxian.hub.replying), in the
transaction that stores its texts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional

from kuanxian.domain.borrower import Borrower
from kuanxian.domain.message import SenderType
from kuanxian.domain.reminder import ReminderKind, ReminderStatus
from kuanxian.hub.brain import Brain, BrainUnavailable, TurnContext
from kuanxian.hub.delivery import Delivery
from kuanxian.hub.locks import TurnLocks
from kuanxian.hub.replying import ReplyApplier
from kuanxian.hub.tx import Transactions, Tx
from kuanxian.money import from_fen, to_fen
from kuanxian.safety.contact import ContactDecision, ContactLimits, ContactState, decide
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage import reminders as reminder_store

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
RETRY = timedelta(minutes=5)
MAX_ATTEMPTS = 5
FIRE_CONCURRENCY = 8
NOTICE_DAYS_BEFORE_INSTALLMENT = 3
NOTICE_TIME = time(10, 0)
INTENTS = {
    ReminderKind.UPCOMING_DUE: "EXTERNAL_payment_reminder",
    ReminderKind.OVERDUE: "EXTERNAL_payment_reminder",
    ReminderKind.INSTALLMENT_DUE: "EXTERNAL_payment_reminder",
    ReminderKind.FOLLOW_UP: "EXTERNAL_payment_reminder",
    ReminderKind.PAYMENT_THANKS: "EXTERNAL_payment_thanks",
    ReminderKind.CHECK_IN: "EXTERNAL_check_in",
}


class LeaseLost(Exception):
    """This instance's lease on a Reminder ran out and was taken, or the Reminder was decided elsewhere."""


@dataclass(frozen=True)
class Scheduled:
    reminder_id: int
    status: ReminderStatus
    scheduled_for: Optional[datetime]
    reason: Optional[str]


def _status_of(decision: ContactDecision, at: datetime) -> tuple[ReminderStatus, Optional[datetime]]:
    if decision.outcome == "send":
        return ReminderStatus.SCHEDULED, at
    if decision.outcome == "defer":
        return ReminderStatus.DEFERRED, decision.next_allowed_at
    return ReminderStatus.SUPPRESSED, None


class ReminderService:
    def __init__(
        self,
        transactions: Transactions,
        delivery: Delivery,
        brain: Brain,
        locks: TurnLocks,
        limits: ContactLimits,
        *,
        replies: ReplyApplier,
        instance_id: Optional[str] = None,
    ) -> None:
        self.transactions = transactions
        self.replies = replies
        self.delivery = delivery
        self.brain = brain
        self.locks = locks
        self.limits = limits
        self.instance_id = instance_id or f"sched-{uuid.uuid4().hex[:8]}"
        self._tick_lock = asyncio.Lock()
        self.wake = asyncio.Event()

    # Scheduling ----------------------------------------------------------------
    async def schedule_in(
        self,
        tx: Tx,
        borrower_id: str,
        kind: str | ReminderKind,
        send_at: datetime,
        *,
        source: str,
        amount_fen: Optional[int] = None,
        due_date: Optional[date] = None,
        plan_id: Optional[int] = None,
        installment_seq: Optional[int] = None,
        note: Optional[str] = None,
    ) -> Scheduled:
        """Store a Reminder with the contact rules' verdict for its send time (inside the caller's transaction)."""
        kind = ReminderKind(kind)
        borrower = await borrower_store.get_borrower(tx.conn, borrower_id)
        if borrower is None:
            raise LookupError(borrower_id)
        at = max(send_at, tx.now)
        decision = await self._decide(tx, borrower, kind, at)
        status, scheduled_for = _status_of(decision, at)
        reminder_id = await reminder_store.insert(
            tx.conn,
            borrower_id,
            kind,
            source,
            send_at,
            scheduled_for,
            status,
            decision.reason,
            tx.now,
            amount_fen=amount_fen,
            due_date=due_date,
            plan_id=plan_id,
            installment_seq=installment_seq,
            note=note or None,
        )
        if status is ReminderStatus.SCHEDULED and scheduled_for is not None and scheduled_for <= tx.now:
            self.wake.set()
        return Scheduled(reminder_id, status, scheduled_for, decision.reason)

    async def schedule_plan(self, tx: Tx, borrower_id: str, plan_id: int) -> int:
        from kuanxian.storage import plans as plan_store

        plan = await plan_store.get_plan(tx.conn, plan_id)
        borrower = await borrower_store.get_borrower(tx.conn, borrower_id)
        if plan is None or borrower is None:
            return 0
        await reminder_store.cancel_pending(tx.conn, borrower_id, [ReminderKind.OVERDUE], "plan_current", tx.now)
        # A plan that replaces another: the old plan's Installment notices go with it.
        await reminder_store.cancel_pending(tx.conn, borrower_id, [ReminderKind.INSTALLMENT_DUE], "plan_replaced", tx.now)
        count = 0
        for item in plan.installments:
            send_at = datetime.combine(item.due - timedelta(days=NOTICE_DAYS_BEFORE_INSTALLMENT), NOTICE_TIME, tzinfo=borrower.zone)
            if send_at < tx.now:
                continue
            await self.schedule_in(
                tx,
                borrower_id,
                ReminderKind.INSTALLMENT_DUE,
                send_at,
                source="plan",
                amount_fen=to_fen(item.amount),
                due_date=item.due,
                plan_id=plan_id,
                installment_seq=item.seq,
            )
            count += 1
        return count

    # Firing --------------------------------------------------------------------
    async def run_forever(self, interval: float) -> None:
        while True:
            handled = 0
            try:
                handled = await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("reminder tick failed")
            if handled:  # a full batch may have left more due: look again at once
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=interval)
            self.wake.clear()

    async def tick(self, batch: int = 20) -> int:
        """Fire every due Reminder this instance can lease; returns how many were handled."""
        async with self._tick_lock:
            async with self.transactions() as tx:
                leased = await reminder_store.lease_due(tx.conn, tx.now, self.instance_id, LEASE, batch)
            by_borrower: dict[str, list[int]] = {}
            for reminder_id, borrower_id in leased:
                by_borrower.setdefault(borrower_id, []).append(reminder_id)
            gate = asyncio.Semaphore(FIRE_CONCURRENCY)

            async def fire_in_order(ids: list[int]) -> None:
                async with gate:
                    for reminder_id in ids:
                        try:
                            await self._fire(reminder_id)
                        except LeaseLost:
                            logger.warning("reminder %s: lease lost while composing; another instance fires it", reminder_id)
                        except Exception:
                            logger.exception("reminder %s could not be fired; it is retried when its lease expires", reminder_id)

            await asyncio.gather(*(fire_in_order(ids) for ids in by_borrower.values()))
            return len(leased)

    async def _fire(self, reminder_id: int) -> None:
        async with self.transactions.read() as conn:
            reminder = await reminder_store.get(conn, reminder_id)
            borrower = await borrower_store.get_borrower(conn, reminder.borrower_id) if reminder else None
        if reminder is None or reminder.status not in (ReminderStatus.SCHEDULED, ReminderStatus.DEFERRED):
            return
        if reminder.lease_owner != self.instance_id:
            return
        if borrower is None:
            async with self.transactions() as tx:
                await reminder_store.update_status(tx.conn, reminder_id, ReminderStatus.SUPPRESSED, "unknown_borrower", tx.now)
            return
        async with self.transactions() as tx:
            decision = await self._decide(tx, borrower, reminder.kind, tx.now, exclude_id=reminder_id)
            if decision.outcome != "send":
                status, when = _status_of(decision, tx.now)
                await reminder_store.update_status(tx.conn, reminder_id, status, decision.reason, tx.now, scheduled_for=when)
                return
            conversation = await conversation_store.find_open(tx.conn, borrower.borrower_id) or await conversation_store.create(
                tx.conn, borrower.borrower_id, tx.now
            )
        cid = conversation.conversation_id
        entities: dict[str, str] = {
            "amount": str(from_fen(reminder.amount_fen)) if reminder.amount_fen is not None else str(borrower.balance),
            "reminder_kind": reminder.kind.value,
        }
        if reminder.due_date is not None:
            entities["due_date"] = reminder.due_date.isoformat()
        async with self.locks.turn(cid):
            try:
                reply = await self.brain.trigger(INTENTS[reminder.kind], entities, TurnContext(borrower.borrower_id, cid))
                if not reply.texts:
                    if reply.rejected:  # malformed commands are logged and counted even when the reminder fails
                        async with self.transactions() as tx:
                            self.replies.applier.reject(tx, conversation, reply.rejected)
                    raise BrainUnavailable("the assistant composed no reminder text")
            except BrainUnavailable as exc:
                await self._failed(reminder_id, reminder.attempts + 1, str(exc))
                return
            async with self.transactions() as tx:
                if not await reminder_store.hold_lease(tx.conn, reminder_id, self.instance_id, tx.now, LEASE):
                    raise LeaseLost(reminder_id)
                # Its commands count like a Borrower turn's, checked against the Conversation as it is now.
                current = await conversation_store.get_conversation(tx.conn, cid) or conversation
                decided = await self.replies.apply(tx, current, reply, self)
                for n, text in enumerate(decided.texts):
                    await self.delivery.post(
                        tx,
                        cid,
                        decided.sender,
                        text,
                        speaker=current.speaker,
                        client_id=f"reminder-{reminder_id}:{n}",
                        author="bot" if decided.sender is SenderType.BOT else "system",
                        borrower_id=borrower.borrower_id,
                    )
                await self.replies.follow_up(tx, current, decided.outcome, self)
                await reminder_store.update_status(
                    tx.conn, reminder_id, ReminderStatus.SENT, None, tx.now, scheduled_for=reminder.scheduled_for, sent_at=tx.now
                )

    async def _failed(self, reminder_id: int, attempts: int, error: str) -> None:
        logger.error("reminder %s failed (attempt %s): %s", reminder_id, attempts, error)
        async with self.transactions() as tx:
            if attempts >= MAX_ATTEMPTS:
                await reminder_store.update_status(
                    tx.conn, reminder_id, ReminderStatus.SUPPRESSED, "delivery_failed", tx.now, attempts=attempts
                )
            else:
                await reminder_store.update_status(
                    tx.conn,
                    reminder_id,
                    ReminderStatus.DEFERRED,
                    "delivery_failed",
                    tx.now,
                    scheduled_for=tx.now + RETRY,
                    attempts=attempts,
                    outcome="failed",
                )

    # Rules ---------------------------------------------------------------------
    async def _decide(
        self, tx: Tx, borrower: Borrower, kind: ReminderKind, at: datetime, *, exclude_id: Optional[int] = None
    ) -> ContactDecision:
        flags = borrower.flags
        if flags.crisis_pause_until is not None and at < flags.crisis_pause_until:
            return ContactDecision(outcome="suppress", reason="crisis_pause", next_allowed_at=flags.crisis_pause_until)
        if kind is ReminderKind.OVERDUE and await reminder_store.has_active_plan(tx.conn, borrower.borrower_id):
            return ContactDecision(outcome="suppress", reason="plan_current", next_allowed_at=None)
        state = ContactState(
            timezone=borrower.timezone,
            opted_out=flags.opted_out,
            dispute_open=flags.dispute_open,
            with_collector=await reminder_store.with_person(tx.conn, borrower.borrower_id),
            wrong_contact=flags.wrong_contact,
            crisis_pause_until=flags.crisis_pause_until,
            hardship_pause_until=flags.hardship_pause_until,
            breathing_space_until=flags.breathing_space_until,
            recent_contacts=tuple(await reminder_store.sent_since(tx.conn, borrower.borrower_id, at - timedelta(days=8))),
        )
        return decide(state, at, self.limits)
