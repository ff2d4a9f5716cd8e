"""Apply the actions' typed commands: validate against current state, write, emit events.

The one writer: an action only proposes; this module decides whether the
command still holds (the Borrower exists, the speaker is the account holder,
the plan engine accepts exactly these terms under today's balance and policy,
consent was given) and applies it inside the turn's transaction, with every
account change recorded so it can be traced or reverted.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Optional

from sqlalchemy import select, update

from kuanxian.commands import (
    AgreePlan,
    Command,
    MarkWrongContact,
    OpenDispute,
    OptIn,
    OptOut,
    PauseReminders,
    RecordHardship,
    RecordPromise,
    RequestHandoff,
    ScheduleReminder,
)
from kuanxian.domain.borrower import Borrower
from kuanxian.domain.conversation import Conversation, Speaker
from kuanxian.domain.events import ContactChanged, DisputeOpened, HardshipRecorded, PlanAgreed, PromiseMade
from kuanxian.domain.hardship import Hardship
from kuanxian.domain.plan import PaymentPlan
from kuanxian.hub.tx import Tx
from kuanxian.money import to_fen
from kuanxian.plans import PlanError, Proposal, evaluate
from kuanxian.settings import Settings
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import hardships as hardship_store
from kuanxian.storage import plans as plan_store
from kuanxian.storage.rows import inserted_id
from kuanxian.storage.schema import account_changes, promises

logger = logging.getLogger(__name__)

# Reminders a Borrower asked for fire mid-morning in their own zone.
FOLLOW_UP_TIME = time(10, 0)


@dataclass(frozen=True)
class Refused:
    command: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    applied: tuple[Command, ...]
    refused: tuple[Refused, ...]
    plan: Optional[PaymentPlan] = None
    handoffs: tuple[RequestHandoff, ...] = ()
    reminders: tuple[ScheduleReminder, ...] = ()


def plan_from_terms(borrower: Borrower, terms: AgreePlan, today: date) -> PaymentPlan:
    """The plan the engine builds for these terms today; PlanError unless it accepts them as they are."""
    proposal = Proposal(
        amount=terms.amount, count=terms.count, frequency=terms.frequency, start=terms.first_date, hardship=terms.hardship, holiday_days=0
    )
    decision = evaluate(borrower.balance, borrower.policy, proposal, today=today)
    if not decision.accepted:
        raise PlanError("not_accepted", "这个方案超出了当前的政策，需要重新商量。")
    # The agreed first date already carries the payment holiday; record how long it was.
    holiday = min(terms.holiday_days, borrower.policy.payment_holiday_days) if terms.hardship else 0
    return replace(decision.plan, holiday_days=max(holiday, 0))


class CommandApplier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def apply(self, tx: Tx, conversation: Conversation, commands: tuple[Command, ...]) -> Outcome:
        applied: list[Command] = []
        refused: list[Refused] = []
        handoffs: list[RequestHandoff] = []
        reminders: list[ScheduleReminder] = []
        plan: Optional[PaymentPlan] = None
        for command in commands:
            name = type(command).__name__
            if isinstance(command, RequestHandoff):
                handoffs.append(command)
                applied.append(command)
                continue
            if conversation.speaker is Speaker.THIRD_PARTY and not isinstance(command, MarkWrongContact):
                refused.append(Refused(name, "not_the_account_holder"))
                continue
            borrower = await borrower_store.get_borrower(tx.conn, conversation.borrower_id, for_update=True)
            if borrower is None:
                refused.append(Refused(name, "unknown_borrower"))
                continue
            reason = await self._apply_one(tx, conversation, borrower, command)
            if isinstance(reason, PaymentPlan):
                plan = reason
                applied.append(command)
            elif isinstance(reason, ScheduleReminder):
                reminders.append(reason)
                applied.append(command)
            elif reason is None:
                applied.append(command)
            else:
                refused.append(Refused(name, reason))
        for r in refused:
            logger.warning("refused %s in %s: %s", r.command, conversation.conversation_id, r.reason)
        return Outcome(tuple(applied), tuple(refused), plan, tuple(handoffs), tuple(reminders))

    async def _apply_one(
        self, tx: Tx, conversation: Conversation, borrower: Borrower, command: Command
    ) -> str | PaymentPlan | ScheduleReminder | None:
        cid = conversation.conversation_id
        if isinstance(command, AgreePlan):
            try:
                plan = plan_from_terms(borrower, command, borrower.today(tx.now))
            except PlanError as exc:
                return f"plan_refused:{exc.code}"
            stored = await plan_store.save_plan(tx.conn, borrower.borrower_id, plan, tx.now, conversation_id=cid)
            await self._audit(tx, borrower, cid, "agree_plan", "plan", None, str(stored.plan_id))
            tx.emit(PlanAgreed(stored))
            return stored
        if isinstance(command, RecordHardship):
            if not command.consent:
                return "no_consent"
            await hardship_store.record_hardship(tx.conn, Hardship(borrower.borrower_id, command.category, tx.now, cid))
            await self._audit(tx, borrower, cid, "record_hardship", "hardship", None, command.category.value)
            tx.emit(HardshipRecorded(borrower.borrower_id, command.category))
            return None
        if isinstance(command, PauseReminders):
            until = tx.now + timedelta(days=self.settings.hardship_pause_days)
            await self._set_flag(tx, borrower, cid, "pause_reminders", "hardship_pause_until", until)
            return None
        if isinstance(command, OptOut):
            await self._set_flag(tx, borrower, cid, "opt_out", "opted_out", True)
            tx.emit(ContactChanged(borrower.borrower_id, True))
            return None
        if isinstance(command, OptIn):
            await self._set_flag(tx, borrower, cid, "opt_in", "opted_out", False)
            if borrower.flags.hardship_pause_until is not None and borrower.flags.hardship_pause_until > tx.now:
                # The Borrower asked for reminders back: their own hardship pause ends too (a crisis pause does not).
                await self._set_flag(tx, borrower, cid, "opt_in", "hardship_pause_until", None)
            tx.emit(ContactChanged(borrower.borrower_id, False))
            return None
        if isinstance(command, OpenDispute):
            await self._set_flag(tx, borrower, cid, "open_dispute", "dispute_open", True)
            tx.emit(DisputeOpened(borrower.borrower_id, cid))
            return None
        if isinstance(command, MarkWrongContact):
            await self._set_flag(tx, borrower, cid, "mark_wrong_contact", "wrong_contact", True)
            return None
        if isinstance(command, RecordPromise):
            if command.promised_for < borrower.today(tx.now):
                return "promise_in_the_past"
            result = await tx.conn.execute(
                promises.insert().values(
                    borrower_id=borrower.borrower_id,
                    conversation_id=cid,
                    promised_for=command.promised_for,
                    amount_fen=to_fen(command.amount) if command.amount is not None else None,
                    status="open",
                    created_at=tx.now,
                )
            )
            promise_id = inserted_id(result)
            await self._audit(tx, borrower, cid, "record_promise", "promise", None, str(promise_id))
            tx.emit(PromiseMade(borrower.borrower_id, promise_id, command.promised_for, command.amount))
            if command.remind:
                from datetime import datetime as _dt

                return ScheduleReminder(_dt.combine(command.promised_for, FOLLOW_UP_TIME, tzinfo=borrower.zone), "follow_up", "promise")
            return None
        if isinstance(command, ScheduleReminder):
            if command.send_at < tx.now - timedelta(hours=1):
                return "reminder_in_the_past"
            return command
        return "unknown_command"

    async def _set_flag(self, tx: Tx, borrower: Borrower, cid: str, command: str, field: str, value: object) -> None:
        before = getattr(borrower.flags, field)
        await borrower_store.update_flags(tx.conn, borrower.borrower_id, tx.now, **{field: value})
        await self._audit(tx, borrower, cid, command, field, before, value)

    async def _audit(self, tx: Tx, borrower: Borrower, cid: str, command: str, field: str, before: object, after: object) -> None:
        await tx.conn.execute(
            account_changes.insert().values(
                borrower_id=borrower.borrower_id,
                conversation_id=cid,
                command=command,
                field=field,
                before=json.dumps(_jsonable(before)),
                after=json.dumps(_jsonable(after)),
                at=tx.now,
            )
        )


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


REVERTIBLE_FIELDS = ("opted_out", "dispute_open", "hardship_pause_until")


async def revert_recent(tx: Tx, borrower_id: str, conversation_id: str, since: datetime) -> list[str]:
    """Undo contact-flag changes this Conversation made since `since` (words of a third party).

    Returns the fields reverted. Plans, promises and hardships from a third party
    are never stored in the first place (CommandApplier refuses them once the
    speaker is known); this catches the messages before they said who they are.
    """
    rows = (
        (
            await tx.conn.execute(
                select(account_changes)
                .where(account_changes.c.borrower_id == borrower_id)
                .where(account_changes.c.conversation_id == conversation_id)
                .where(account_changes.c.at >= since)
                .where(account_changes.c.reverted_at.is_(None))
                .order_by(account_changes.c.id.desc())
            )
        )
        .mappings()
        .all()
    )
    reverted: list[str] = []
    for row in rows:
        if row["field"] not in REVERTIBLE_FIELDS:
            continue
        before = json.loads(row["before"]) if row["before"] is not None else None
        if row["field"] == "hardship_pause_until" and isinstance(before, str):
            before = datetime.fromisoformat(before)
        await borrower_store.update_flags(tx.conn, borrower_id, tx.now, **{row["field"]: before})
        await tx.conn.execute(update(account_changes).where(account_changes.c.id == row["id"]).values(reverted_at=tx.now))
        reverted.append(row["field"])
    return reverted
