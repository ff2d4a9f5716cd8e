"""Apply the actions' typed commands: validate against current state, write, emit events.

The one writer: an action only proposes; this module decides whether the
command still holds (the Borrower exists, the speaker is the account holder,
the plan engine accepts exactly these terms under today's balance and policy,
consent was given) and applies it inside the turn's transaction, with every
account change recorded so it can be traced or reverted.

Every command it does not apply (a malformed payload, or a refusal against the
current state) is logged at WARNING as `command_rejected key=value …` and
counted (`kuanxian_commands_rejected_total{command, reason}`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
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
    WithdrawDispute,
    wire_name,
)
from kuanxian.domain.borrower import Borrower
from kuanxian.domain.conversation import Conversation, Speaker
from kuanxian.domain.events import CommandRejected, ContactChanged, DisputeOpened, HardshipRecorded, PlanAgreed, PromiseMade
from kuanxian.domain.hardship import Hardship
from kuanxian.domain.plan import PaymentPlan
from kuanxian.hub.brain import RejectedCommand
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
MAX_DISPUTE_SUMMARY = 500


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


def plan_from_terms(borrower: Borrower, terms: AgreePlan, today: date, *, hardship: Optional[bool] = None) -> PaymentPlan:
    """The plan the engine builds for these terms today; PlanError unless it accepts them as they are.

    `hardship` is whether the account has a recorded Hardship (the hub passes it; the action's own
    `hardship` flag is only a claim). Terms that need a hardship the account does not have are refused
    with `hardship_not_recorded`: a holiday start, or a policy's interest freeze the texts would promise.
    Without `hardship` the flag is taken as it is (what the dialogue tests simulate).
    """
    is_hardship = terms.hardship if hardship is None else hardship
    proposal = Proposal(
        amount=terms.amount, count=terms.count, frequency=terms.frequency, start=terms.first_date, hardship=is_hardship, holiday_days=0
    )
    decision = evaluate(borrower.balance, borrower.policy, proposal, today=today)
    claimed_only = terms.hardship and not is_hardship
    if not decision.accepted:
        if claimed_only:
            raise PlanError("hardship_not_recorded", "这个方案需要先登记困难情况，需要重新商量。")
        raise PlanError("not_accepted", "这个方案超出了当前的政策，需要重新商量。")
    if claimed_only and borrower.policy.interest_freeze_on_hardship:
        # The words offered a hardship plan (interest frozen) that an account without a recorded Hardship cannot have.
        raise PlanError("hardship_not_recorded", "这个方案需要先登记困难情况，需要重新商量。")
    # The agreed first date already carries the payment holiday; record how long it was.
    holiday = min(terms.holiday_days, borrower.policy.payment_holiday_days) if is_hardship else 0
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
            self._rejected(tx, conversation, wire_name(r.command), r.reason, "state")
        return Outcome(tuple(applied), tuple(refused), plan, tuple(handoffs), tuple(reminders))

    def reject(self, tx: Tx, conversation: Conversation, rejected: Sequence[RejectedCommand]) -> None:
        """Commands the action server sent that break the contract: nothing is applied; each is logged and counted."""
        for r in rejected:
            self._rejected(tx, conversation, r.command, r.reason, "contract", r.detail)

    def _rejected(self, tx: Tx, conversation: Conversation, command: str, reason: str, stage: str, detail: str = "") -> None:
        cid = conversation.conversation_id
        logger.warning(
            "command_rejected conversation_id=%s borrower_id=%s command=%s reason=%s stage=%s%s",
            cid,
            conversation.borrower_id,
            command,
            reason,
            stage,
            f" detail={json.dumps(detail, ensure_ascii=False)}" if detail else "",
            extra={
                "event": "command_rejected",
                "conversation_id": cid,
                "borrower_id": conversation.borrower_id,
                "command": command,
                "reason": reason,
                "stage": stage,
                "detail": detail,
            },
        )
        tx.emit(CommandRejected(cid, conversation.borrower_id, command, reason, stage))

    async def _apply_one(
        self, tx: Tx, conversation: Conversation, borrower: Borrower, command: Command
    ) -> str | PaymentPlan | ScheduleReminder | None:
        cid = conversation.conversation_id
        if isinstance(command, AgreePlan):
            # A hardship plan is one for an account with a recorded Hardship (consent given), whatever the flag says.
            recorded = bool(await hardship_store.list_hardships(tx.conn, borrower.borrower_id))
            try:
                plan = plan_from_terms(borrower, command, borrower.today(tx.now), hardship=recorded)
            except PlanError as exc:
                return f"plan_refused:{exc.code}"
            stored = await plan_store.save_plan(tx.conn, borrower.borrower_id, plan, tx.now, conversation_id=cid)
            await audit(tx, borrower.borrower_id, cid, "agree_plan", "plan", None, str(stored.plan_id))
            tx.emit(PlanAgreed(stored))
            return stored
        if isinstance(command, RecordHardship):
            if not command.consent:
                return "no_consent"
            await hardship_store.record_hardship(tx.conn, Hardship(borrower.borrower_id, command.category, tx.now, cid))
            await audit(tx, borrower.borrower_id, cid, "record_hardship", "hardship", None, command.category.value)
            tx.emit(HardshipRecorded(borrower.borrower_id, command.category))
            return None
        if isinstance(command, PauseReminders):
            until = tx.now + timedelta(days=self.settings.hardship_pause_days)
            await self._set_flag(tx, borrower, cid, "pause_reminders", "hardship_pause_until", until)
            await self._set_note(tx, borrower, cid, "pause_reminders", "hardship_pause_reason", (command.reason or "hardship")[:32])
            return None
        if isinstance(command, OptOut):
            await self._set_flag(tx, borrower, cid, "opt_out", "opted_out", True)
            if not borrower.flags.opted_out:  # the lender hears of a change, not of a repeated wish
                tx.emit(ContactChanged(borrower.borrower_id, True))
            return None
        if isinstance(command, OptIn):
            await self._set_flag(tx, borrower, cid, "opt_in", "opted_out", False)
            if borrower.flags.hardship_pause_until is not None and borrower.flags.hardship_pause_until > tx.now:
                # The Borrower asked for reminders back: their own hardship pause ends too (a crisis pause does not).
                await self._set_flag(tx, borrower, cid, "opt_in", "hardship_pause_until", None)
                await self._set_note(tx, borrower, cid, "opt_in", "hardship_pause_reason", None)
            if borrower.flags.opted_out:
                tx.emit(ContactChanged(borrower.borrower_id, False))
            return None
        if isinstance(command, OpenDispute):
            was_open = borrower.flags.dispute_open
            await self._set_flag(tx, borrower, cid, "open_dispute", "dispute_open", True)
            summary = command.summary.strip()
            earlier = (await borrower_store.account_notes(tx.conn, borrower.borrower_id)).get("dispute_summary") if was_open else None
            if summary and isinstance(earlier, str) and earlier and summary not in earlier:
                summary = f"{earlier} / {summary}"  # what the Borrower adds later ("11月6号还的300") is kept with it
            summary = summary[-MAX_DISPUTE_SUMMARY:]
            if summary:
                await self._set_note(tx, borrower, cid, "open_dispute", "dispute_summary", summary)
            if not was_open:
                await self._set_note(tx, borrower, cid, "open_dispute", "dispute_opened_at", tx.now)
                tx.emit(DisputeOpened(borrower.borrower_id, cid))  # once per dispute, not per message about it
            return None
        if isinstance(command, WithdrawDispute):
            if not borrower.flags.dispute_open:
                return "no_open_dispute"
            if await _dispute_opened_in(tx, borrower.borrower_id) != cid:
                return "dispute_opened_elsewhere"  # a person verifies a dispute from another conversation
            await self._set_flag(tx, borrower, cid, "withdraw_dispute", "dispute_open", False)
            for note in CLEARABLE["dispute_open"]:
                await self._set_note(tx, borrower, cid, "withdraw_dispute", note, None)
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
            await audit(tx, borrower.borrower_id, cid, "record_promise", "promise", None, str(promise_id))
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
        await audit(tx, borrower.borrower_id, cid, command, field, before, value)

    async def _set_note(self, tx: Tx, borrower: Borrower, cid: str, command: str, field: str, value: object) -> None:
        before = (await borrower_store.account_notes(tx.conn, borrower.borrower_id)).get(field)
        await borrower_store.update_flags(tx.conn, borrower.borrower_id, tx.now, **{field: value})
        await audit(tx, borrower.borrower_id, cid, command, field, before, value)


async def audit(
    tx: Tx, borrower_id: str, cid: Optional[str], command: str, field: str, before: object, after: object, note: Optional[str] = None
) -> None:
    """One row of the account-change audit (`account_changes`)."""
    await tx.conn.execute(
        account_changes.insert().values(
            borrower_id=borrower_id,
            conversation_id=cid,
            command=command,
            field=field,
            before=json.dumps(_jsonable(before), ensure_ascii=False),
            after=json.dumps(_jsonable(after), ensure_ascii=False),
            at=tx.now,
            note=note,
        )
    )


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


async def _dispute_opened_in(tx: Tx, borrower_id: str) -> Optional[str]:
    """The Conversation that opened the Borrower's current dispute (the last change of `dispute_open` to true)."""
    row = (
        await tx.conn.execute(
            select(account_changes.c.conversation_id)
            .where(account_changes.c.borrower_id == borrower_id)
            .where(account_changes.c.field == "dispute_open")
            .where(account_changes.c.after == "true")
            .where(account_changes.c.before != "true")
            .where(account_changes.c.reverted_at.is_(None))
            .order_by(account_changes.c.at.desc(), account_changes.c.id.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else row[0]


# The flag an admin may clear, and the notes that go with it (kept in the audit row's `before`).
CLEARABLE = {"dispute_open": ("dispute_summary", "dispute_opened_at"), "wrong_contact": ()}


async def clear_flag(tx: Tx, borrower: Borrower, field: str, note: str) -> bool:
    """An admin clears `dispute_open` or `wrong_contact`; False when it was not set (nothing written).

    Every change is an `account_changes` row with command `admin:clear_<field>`, no conversation,
    and the admin's `note`: the audit trail of who-said-what for the flag.
    """
    if field not in CLEARABLE:
        raise ValueError(f"{field} cannot be cleared")
    if not getattr(borrower.flags, field):
        return False
    command = f"admin:clear_{field}"
    notes = await borrower_store.account_notes(tx.conn, borrower.borrower_id)
    await borrower_store.update_flags(tx.conn, borrower.borrower_id, tx.now, **{field: False}, **dict.fromkeys(CLEARABLE[field]))
    await audit(tx, borrower.borrower_id, None, command, field, True, False, note or None)
    for name in CLEARABLE[field]:
        if notes.get(name) is not None:
            await audit(tx, borrower.borrower_id, None, command, name, notes[name], None, note or None)
    return True


REVERTIBLE_FIELDS = ("opted_out", "dispute_open", "hardship_pause_until", "hardship_pause_reason", "dispute_summary", "dispute_opened_at")
_TIME_FIELDS = ("hardship_pause_until", "dispute_opened_at")


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
        if row["field"] in _TIME_FIELDS and isinstance(before, str):
            before = datetime.fromisoformat(before)
        await borrower_store.update_flags(tx.conn, borrower_id, tx.now, **{row["field"]: before})
        await tx.conn.execute(update(account_changes).where(account_changes.c.id == row["id"]).values(reverted_at=tx.now))
        reverted.append(row["field"])
        if row["field"] == "opted_out" and bool(before) != bool(json.loads(row["after"]) if row["after"] is not None else None):
            tx.emit(ContactChanged(borrower_id, bool(before)))  # the lender was told of the opt-out: tell it it is undone
    return reverted
