"""What collectors do in the console: reply, note, hand back with a structured plan, resolve, report a block.

Replies pass the same guard as the assistant (a blocked reply is refused with
its reasons and fair alternatives). A hand-back may carry the plan agreed with
the Borrower, checked against the policy the way the assistant checks it; a
plan outside the policy is an exception only a lead may approve. The note a
collector writes is internal: the Borrower hears the assistant confirm the
plan in its own words.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, date
from decimal import Decimal
from typing import Optional

from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian import notices, replies
from kuanxian.dates import Frequency
from kuanxian.domain.collector import Collector, Permission
from kuanxian.domain.conversation import Conversation
from kuanxian.domain.events import PlanAgreed
from kuanxian.domain.handoff import HandoffOutcome
from kuanxian.domain.message import Message, SenderType
from kuanxian.domain.plan import PaymentPlan
from kuanxian.domain.policy import Policy
from kuanxian.hub.brain import Brain, BrainReply, BrainUnavailable, TurnContext
from kuanxian.hub.delivery import Delivery, Outgoing
from kuanxian.hub.handoffs import HandoffConflict, HandoffMissing, HandoffService
from kuanxian.hub.locks import TurnLocks
from kuanxian.hub.reminders import ReminderService
from kuanxian.hub.replying import ReplyApplier
from kuanxian.hub.tx import Transactions
from kuanxian.plans import Decision, PlanError, Proposal, evaluate
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage import plans as plan_store
from kuanxian.storage.rows import inserted_id
from kuanxian.storage.schema import guard_reports

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanTerms:
    amount: Decimal
    count: int
    frequency: Frequency
    first_date: date
    holiday_days: int = 0
    interest_frozen: bool = False


@dataclass(frozen=True)
class PlanCheck:
    """The calculator's answer: the plan, and where it leaves the policy (an exception for a lead)."""

    plan: PaymentPlan
    exceptions: tuple[str, ...]
    decision: Decision


class PlanException(Exception):
    def __init__(self, exceptions: tuple[str, ...]) -> None:
        super().__init__(", ".join(exceptions))
        self.exceptions = exceptions


def check_plan(balance: Decimal, policy: Policy, terms: PlanTerms, today: date) -> PlanCheck:
    """Build the plan exactly as asked, and list the policy limits it crosses."""
    from kuanxian.plans import build_schedule, installment_minimum, max_installments

    if terms.first_date < today:
        raise PlanError("start_in_past", "第一期不能早于今天。")
    plan = build_schedule(balance, terms.amount, terms.count, terms.frequency, terms.first_date)
    plan = replace(plan, interest_frozen=terms.interest_frozen, holiday_days=terms.holiday_days)
    exceptions: list[str] = []
    if terms.frequency not in policy.allowed_frequencies:
        exceptions.append("frequency_not_allowed")
    if terms.amount < installment_minimum(policy, terms.frequency) and plan.count > 1:
        exceptions.append("below_minimum")
    if plan.count > max_installments(terms.first_date, terms.frequency, policy.max_term_months):
        exceptions.append("term_too_long")
    if terms.holiday_days > policy.payment_holiday_days:
        exceptions.append("holiday_too_long")
    if terms.interest_frozen and not policy.interest_freeze_on_hardship:
        exceptions.append("interest_freeze_not_in_policy")
    decision = evaluate(
        balance,
        policy,
        Proposal(amount=terms.amount, count=terms.count, frequency=terms.frequency, start=terms.first_date, hardship=True),
        today=today,
    )
    return PlanCheck(plan, tuple(exceptions), decision)


class ConsoleService:
    def __init__(
        self,
        transactions: Transactions,
        delivery: Delivery,
        handoffs: HandoffService,
        brain: Brain,
        locks: TurnLocks,
        reminders: ReminderService,
        replies: ReplyApplier,
    ) -> None:
        self.transactions = transactions
        self.replies = replies
        self.delivery = delivery
        self.handoffs = handoffs
        self.brain = brain
        self.locks = locks
        self.reminders = reminders

    async def reply(self, conversation_id: str, collector: Collector, text: str) -> Message:
        async with self.transactions() as tx:
            conversation = await self._held(tx.conn, conversation_id, collector)
            return await self.delivery.post(
                tx,
                conversation_id,
                SenderType.COLLECTOR,
                Outgoing(text),
                speaker=conversation.speaker,
                collector_id=collector.collector_id,
                author="collector",
                borrower_id=conversation.borrower_id,
            )

    async def note(self, conversation_id: str, collector: Collector, text: str) -> Message:
        async with self.transactions() as tx:
            if await conversation_store.get_conversation(tx.conn, conversation_id) is None:
                raise HandoffMissing(conversation_id)
            return await self.delivery.note(tx, conversation_id, text, collector.collector_id)

    async def claim(self, conversation_id: str, collector: Collector) -> Conversation:
        return await self.handoffs.claim(conversation_id, collector)

    async def preview(self, borrower_id: str, terms: PlanTerms) -> PlanCheck:
        async with self.transactions.read() as conn:
            borrower = await borrower_store.get_borrower(conn, borrower_id)
        if borrower is None:
            raise HandoffMissing(borrower_id)
        from datetime import datetime

        return check_plan(borrower.balance, borrower.policy, terms, borrower.today(datetime.now(tz=UTC)))

    async def hand_back(self, conversation_id: str, collector: Collector, note: str, terms: Optional[PlanTerms]) -> Conversation:
        plan: Optional[PaymentPlan] = None
        async with self.transactions() as tx:
            conversation = await self._held(tx.conn, conversation_id, collector)
            borrower = await borrower_store.get_borrower(tx.conn, conversation.borrower_id, for_update=True)
            if terms is not None and borrower is not None:
                check = check_plan(borrower.balance, borrower.policy, terms, borrower.today(tx.now))
                if check.exceptions and not collector.role.may(Permission.APPROVE_EXCEPTIONS):
                    raise PlanException(check.exceptions)
                agreed_by = f"collector:{collector.collector_id}" + (":exception" if check.exceptions else "")
                plan = await plan_store.save_plan(
                    tx.conn, borrower.borrower_id, check.plan, tx.now, conversation_id=conversation_id, agreed_by=agreed_by
                )
                tx.emit(PlanAgreed(plan))
                # Its Installment notices are part of agreeing it: same transaction.
                await self.reminders.schedule_plan(tx, borrower.borrower_id, plan.plan_id or 0)
            if note.strip():
                await self.delivery.note(tx, conversation_id, note.strip()[:2000], collector.collector_id)
            agreed = {"plan_id": plan.plan_id} if plan is not None else None
            released = await self.handoffs.release(tx, conversation_id, collector, HandoffOutcome.HANDED_BACK, agreed)
            await self.delivery.post(
                tx,
                conversation_id,
                SenderType.SYSTEM,
                Outgoing(notices.handed_back(collector.display_name)),
                author="system",
                borrower_id=conversation.borrower_id,
            )
        await self._resume(released.conversation, plan)
        return released.conversation

    async def _resume(self, conversation: Conversation, plan: Optional[PaymentPlan]) -> None:
        """The assistant takes over and confirms what was agreed in its own words; its commands apply as in any turn."""
        entities = {"plan_id": str(plan.plan_id)} if plan is not None else {}
        cid = conversation.conversation_id
        async with self.locks.turn(cid):
            reply: Optional[BrainReply] = None
            try:
                reply = await self.brain.trigger("EXTERNAL_handback", entities, TurnContext(conversation.borrower_id, cid))
            except BrainUnavailable as exc:
                logger.error("hand-back to the assistant failed for %s: %s", cid, exc)
            async with self.transactions() as tx:
                current = await conversation_store.get_conversation(tx.conn, cid) or conversation
                decided = await self.replies.apply(tx, current, reply, self.reminders) if reply is not None else None
                texts = list(decided.texts) if decided is not None else []
                sender = decided.sender if decided is not None else SenderType.BOT
                if not texts and plan is not None:
                    borrower = await borrower_store.get_borrower(tx.conn, conversation.borrower_id)
                    if borrower is not None:
                        confirmation = replies.plan_confirmed(plan, borrower.today(tx.now), reminders_on=True)
                        texts, sender = [Outgoing(confirmation.text)], SenderType.BOT
                for text in texts:
                    await self.delivery.post(
                        tx,
                        cid,
                        sender,
                        text,
                        speaker=current.speaker,
                        author="bot" if sender is SenderType.BOT else "system",
                        borrower_id=conversation.borrower_id,
                    )
                if decided is not None:
                    await self.replies.follow_up(tx, current, decided.outcome, self.reminders)

    async def resolve(self, conversation_id: str, collector: Collector) -> Conversation:
        async with self.transactions() as tx:
            current = await conversation_store.get_conversation(tx.conn, conversation_id)
            if current is None:
                raise HandoffMissing(conversation_id)
            if current.status.value == "with_collector":
                released = await self.handoffs.release(tx, conversation_id, collector, HandoffOutcome.RESOLVED)
                result = released.conversation
            else:
                result = await self.handoffs.resolve_waiting(tx, conversation_id)
            await self.delivery.post(
                tx, conversation_id, SenderType.SYSTEM, Outgoing(notices.RESOLVED), author="system", borrower_id=current.borrower_id
            )
            return result

    async def report_block(
        self, collector: Collector, text: str, conversation_id: Optional[str], violations: list[dict[str, object]]
    ) -> int:
        """ "这条不该拦": keep the text and who reported it for a trainer to label. Nothing is sent."""
        async with self.transactions() as tx:
            result = await tx.conn.execute(
                guard_reports.insert().values(
                    text=text,
                    reported_by=collector.collector_id,
                    conversation_id=conversation_id,
                    violations=json.dumps(violations, ensure_ascii=False, default=str),
                    created_at=tx.now,
                    status="open",
                )
            )
            return inserted_id(result)

    async def _held(self, conn: AsyncConnection, conversation_id: str, collector: Collector) -> Conversation:
        conversation = await conversation_store.get_conversation(conn, conversation_id)
        if conversation is None:
            raise HandoffMissing(conversation_id)
        if conversation.status.value != "with_collector" or conversation.collector_id != collector.collector_id:
            raise HandoffConflict("claim this conversation before replying")
        return conversation
