"""What the hub does with a Brain reply, the same for every turn: a Borrower's, a Reminder's, a hand-back's.

Inside the caller's transaction, in this order:

1. commands the action server sent that break the contract are logged and counted, never applied;
2. the commands are applied (`CommandApplier`: checked against the current state, refusals
   logged and counted) and an agreed plan's Installment notices are scheduled;
3. the texts to say: the reply's own, or, when it agreed a plan the hub refused, the honest
   `PLAN_NOT_CONFIRMED` notice instead (its words would confirm a plan that was not stored);
4. after the caller has posted those texts: the handoffs asked for, then the Reminders asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kuanxian import notices
from kuanxian.commands import AgreePlan
from kuanxian.domain.conversation import Conversation
from kuanxian.domain.message import SenderType
from kuanxian.hub.brain import BrainReply
from kuanxian.hub.commands import CommandApplier, Outcome
from kuanxian.hub.delivery import Outgoing
from kuanxian.hub.handoffs import HandoffService
from kuanxian.hub.tx import Tx

if TYPE_CHECKING:
    from kuanxian.hub.reminders import ReminderService


@dataclass(frozen=True)
class Decided:
    """The commands' outcome and what to say for them."""

    outcome: Outcome
    texts: tuple[Outgoing, ...]
    sender: SenderType


class ReplyApplier:
    def __init__(self, applier: CommandApplier, handoffs: HandoffService) -> None:
        self.applier = applier
        self.handoffs = handoffs

    async def apply(self, tx: Tx, conversation: Conversation, reply: BrainReply, reminders: ReminderService) -> Decided:
        """Steps 1 to 3: apply the commands; return the texts to post."""
        self.applier.reject(tx, conversation, reply.rejected)
        outcome = await self.applier.apply(tx, conversation, reply.commands)
        if outcome.plan is not None and outcome.plan.plan_id is not None:
            # An agreed plan's Installment notices are written with it, in this transaction.
            await reminders.schedule_plan(tx, conversation.borrower_id, outcome.plan.plan_id)
        if outcome.plan is None and any(r.command == AgreePlan.__name__ for r in outcome.refused):
            # Its words confirm a plan the hub refused: never tell the Borrower of a plan that was not stored.
            return Decided(outcome, (Outgoing(notices.PLAN_NOT_CONFIRMED),), SenderType.SYSTEM)
        return Decided(outcome, tuple(Outgoing(t.text, t.buttons) for t in reply.texts), SenderType.BOT)

    async def follow_up(self, tx: Tx, conversation: Conversation, outcome: Outcome, reminders: ReminderService) -> Conversation:
        """Step 4, after the texts: the handoffs, then the Reminders; returns the Conversation as it is now."""
        for request in outcome.handoffs:
            conversation = await self.handoffs.request(tx, conversation, request.reason, request.priority, request.summary, request.details)
        for reminder in outcome.reminders:
            await reminders.schedule_in(
                tx, conversation.borrower_id, reminder.kind, reminder.send_at, source="borrower", note=reminder.note or None
            )
        return conversation
