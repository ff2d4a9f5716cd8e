"""The handoff state machine at work: ask for a person, claim, hand back, resolve, and wait kindly.

Status changes follow kuanxian.domain.Conversation's transitions and are
written compare-and-set, so two collectors (or two hubs) never both hold one
Conversation. While a Borrower waits, their messages are acknowledged (not
every one: at most one every few minutes) with an honest expected wait, or,
outside staffed hours, when people are back; in crisis a short supportive
line and the crisis lines keep them company until a person joins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional
from zoneinfo import ZoneInfo

from kuanxian import notices
from kuanxian.domain.collector import Collector
from kuanxian.domain.conversation import Conversation, ConversationStatus, TransitionError
from kuanxian.domain.events import HandoffRequested, HandoffResolved, QueueChanged, StatusChanged
from kuanxian.domain.handoff import Handoff, HandoffOutcome, HandoffReason, Priority
from kuanxian.domain.message import SenderType
from kuanxian.hub.delivery import Delivery, Outgoing
from kuanxian.hub.speaker import ASKS_WAIT
from kuanxian.hub.tx import Transactions, Tx
from kuanxian.safety.crisis import (
    CONCERN_OPENING,
    MONEY_CAN_WAIT,
    about_someone_else,
    asks_about_money,
    crisis_presence,
    crisis_wait,
    family_question_answer,
    says_safe,
)
from kuanxian.settings import Settings
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage import handoffs as handoff_store
from kuanxian.storage import messages as message_store


class HandoffConflict(Exception):
    """The Conversation is not where the request expects it (someone else holds it, it moved on)."""


class HandoffMissing(Exception):
    """No such Conversation."""


@dataclass(frozen=True)
class Released:
    conversation: Conversation
    previous: Conversation


class HandoffService:
    def __init__(self, settings: Settings, transactions: Transactions, delivery: Delivery) -> None:
        self.settings = settings
        self.transactions = transactions
        self.delivery = delivery

    async def request(
        self,
        tx: Tx,
        conversation: Conversation,
        reason: HandoffReason,
        priority: Priority,
        summary: str = "",
        details: Optional[Mapping[str, Any]] = None,
    ) -> Conversation:
        """Ask for a person (inside the caller's transaction)."""
        try:
            after = conversation.request_handoff(reason, priority, tx.now)
        except TransitionError:
            return conversation
        handoff = Handoff(conversation.conversation_id, reason, priority, tx.now, summary[:500], dict(details or {}))
        await handoff_store.insert(tx.conn, handoff)
        if after != conversation:
            if not await conversation_store.save_transition(tx.conn, conversation, after, tx.now):
                fresh = await conversation_store.get_conversation(tx.conn, conversation.conversation_id)
                return fresh or conversation
            after = await conversation_store.get_conversation(tx.conn, conversation.conversation_id) or after
            tx.emit(StatusChanged(after), QueueChanged())
        tx.emit(HandoffRequested(conversation.borrower_id, handoff))
        return after

    async def claim(self, conversation_id: str, collector: Collector) -> Conversation:
        async with self.transactions() as tx:
            current = await self._get(tx, conversation_id)
            if current.status is ConversationStatus.WITH_COLLECTOR and current.collector_id == collector.collector_id:
                return current
            if current.status is ConversationStatus.WITH_COLLECTOR:
                raise HandoffConflict("another collector holds this conversation")
            try:
                after = current.claim(collector.collector_id)
            except TransitionError as exc:
                raise HandoffConflict("this conversation is not waiting for a collector") from exc
            if not await conversation_store.save_transition(tx.conn, current, after, tx.now):
                raise HandoffConflict("another collector claimed it first")
            await handoff_store.claim_open(tx.conn, conversation_id, collector.collector_id, tx.now)
            await conversation_store.set_acknowledged(tx.conn, conversation_id, None)
            await self.delivery.post(
                tx,
                conversation_id,
                SenderType.SYSTEM,
                Outgoing(notices.collector_joined(collector.display_name)),
                author="system",
                borrower_id=current.borrower_id,
            )
            fresh = await conversation_store.get_conversation(tx.conn, conversation_id) or after
            tx.emit(StatusChanged(fresh), QueueChanged())
            return fresh

    async def release(
        self, tx: Tx, conversation_id: str, collector: Collector, outcome: HandoffOutcome, agreed: Optional[Mapping[str, Any]] = None
    ) -> Released:
        """with_collector → bot (handed back) or → resolved, only by the holder (inside the caller's transaction)."""
        current = await self._get(tx, conversation_id)
        try:
            after = (
                current.hand_back(collector.collector_id)
                if outcome is HandoffOutcome.HANDED_BACK
                else current.resolve(collector.collector_id)
            )
        except TransitionError as exc:
            raise HandoffConflict("claim this conversation before handing it back or resolving it") from exc
        if not await conversation_store.save_transition(tx.conn, current, after, tx.now):
            raise HandoffConflict("the conversation changed hands")
        await handoff_store.close_open(tx.conn, conversation_id, outcome, tx.now, agreed)
        fresh = await conversation_store.get_conversation(tx.conn, conversation_id) or after
        tx.emit(StatusChanged(fresh), QueueChanged(), HandoffResolved(current.borrower_id, conversation_id, outcome))
        return Released(fresh, current)

    async def resolve_waiting(self, tx: Tx, conversation_id: str) -> Conversation:
        """Resolve a Conversation nobody has claimed (or that is with the bot)."""
        current = await self._get(tx, conversation_id)
        if current.status is ConversationStatus.WITH_COLLECTOR:
            raise HandoffConflict("another collector holds this conversation")
        try:
            after = current.resolve()
        except TransitionError as exc:
            raise HandoffConflict("this conversation is already resolved") from exc
        if not await conversation_store.save_transition(tx.conn, current, after, tx.now):
            raise HandoffConflict("the conversation changed meanwhile")
        await handoff_store.close_open(tx.conn, conversation_id, HandoffOutcome.RESOLVED, tx.now)
        fresh = await conversation_store.get_conversation(tx.conn, conversation_id) or after
        tx.emit(StatusChanged(fresh), QueueChanged(), HandoffResolved(current.borrower_id, conversation_id, HandoffOutcome.RESOLVED))
        return fresh

    async def acknowledge(self, tx: Tx, conversation: Conversation, zone: str, *, crisis: bool, text: str = "") -> None:
        """Tell a waiting Borrower we heard them: "要等多久？" (`text`) gets the honest wait; in a crisis every message
        gets a supportive line in varied words (the crisis lines again when last given minutes ago); otherwise at
        most once every few minutes."""
        if conversation.status is ConversationStatus.WAITING_FOR_COLLECTOR and ASKS_WAIT.search(text):
            await self._post(tx, conversation, await self._waiting_text(tx, conversation, zone))
            return
        last = await conversation_store.acknowledged_at(tx.conn, conversation.conversation_id)
        if not crisis and last is not None and tx.now - last < timedelta(seconds=self.settings.acknowledge_every_seconds):
            return
        if crisis and family_question_answer(text) and not about_someone_else(text):
            # "会找他不": answered (the family does not pay), then still with them.
            await self._post(tx, conversation, family_question_answer(text))
            return
        if crisis:
            with_lines = last is None or tx.now - last >= timedelta(minutes=5)
            recent = await message_store.recent(tx.conn, conversation.conversation_id, sender=SenderType.SYSTEM, limit=12)
            for_other = any(m.text == CONCERN_OPENING for m in recent)
            if not for_other and asks_about_money(text) and all(m.text != MONEY_CAN_WAIT for m in recent[-3:]):
                # "那两个月缓期算是定下来了吗": the money can wait, and no one will press them meanwhile.
                await self._post(tx, conversation, MONEY_CAN_WAIT)
                return
            said = crisis_presence(
                zone, with_lines=with_lines, recent=[m.text for m in recent[-3:]], for_other=for_other, safe=says_safe(text)
            )
        elif conversation.status is ConversationStatus.WITH_COLLECTOR:
            return  # a person is already here; they answer themselves
        else:
            said = await self._waiting_text(tx, conversation, zone)
        await self._post(tx, conversation, said)

    async def _post(self, tx: Tx, conversation: Conversation, text: str) -> None:
        await self.delivery.post(
            tx, conversation.conversation_id, SenderType.SYSTEM, Outgoing(text), author="system", borrower_id=conversation.borrower_id
        )
        await conversation_store.set_acknowledged(tx.conn, conversation.conversation_id, tx.now)

    def back_at(self, now: datetime) -> Optional[datetime]:
        """When people are next on duty, in the staffed hours' zone; None while they are."""
        hours = self.settings.staffed_hours
        local = now.astimezone(ZoneInfo(hours.zone))
        if notices.is_staffed(local, hours.start, hours.end):
            return None
        back = local.replace(hour=hours.start.hour, minute=hours.start.minute, second=0, microsecond=0)
        return back + timedelta(days=1) if back <= local else back

    async def _waiting_text(self, tx: Tx, conversation: Conversation, zone: str) -> str:
        back = self.back_at(tx.now)
        if back is not None:
            crisis = conversation.reason is HandoffReason.CRISIS
            return notices.outside_hours(back, back.astimezone(ZoneInfo(zone)), crisis=crisis)
        queue = await conversation_store.queue(tx.conn)
        waiting = [c for c in queue if c.status is ConversationStatus.WAITING_FOR_COLLECTOR]
        position = next((i for i, c in enumerate(waiting) if c.conversation_id == conversation.conversation_id), 0)
        minutes = self.settings.expected_wait_minutes * (1 + position // 3)
        if conversation.reason is HandoffReason.CRISIS:
            return crisis_wait(zone, position, minutes)
        return notices.waiting(position, minutes)

    async def _get(self, tx: Tx, conversation_id: str) -> Conversation:
        found = await conversation_store.get_conversation(tx.conn, conversation_id)
        if found is None:
            raise HandoffMissing(conversation_id)
        return found


def now_in(zone: str, at: datetime) -> datetime:
    return at.astimezone(ZoneInfo(zone))
