"""The crisis side of a turn: crisis lines at once, and every message answered while a person is on the way.

A mixin of TurnPipeline (kuanxian/hub/turns.py), kept apart so each module stays small; it uses the
pipeline's transactions, handoffs and settings, and its `_say` / `_reopened` helpers.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional
from zoneinfo import ZoneInfo

from kuanxian import notices
from kuanxian.domain.borrower import Borrower
from kuanxian.domain.conversation import Conversation, ConversationStatus
from kuanxian.domain.events import CrisisDetected
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.message import Message, SenderType
from kuanxian.hub.delivery import Outgoing
from kuanxian.hub.handoffs import HandoffService
from kuanxian.hub.risk import RiskCheck, risk_check
from kuanxian.hub.tx import Transactions, Tx
from kuanxian.safety import assess_distress
from kuanxian.safety.crisis import (
    RISK_DENIED,
    SIGN_AGAIN_OPENING,
    about_someone_else,
    concern_for_other_messages,
    crisis_messages,
    risk_confirmed,
    sign_again,
)
from kuanxian.settings import Settings
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage import messages as message_store
from kuanxian.storage import turns as turn_store

__all__ = ["RISK_LOOKBACK", "CrisisTurns"]

# System messages read back to find the direct question (the crisis texts, then acknowledgments while waiting).
RISK_LOOKBACK = 30


class CrisisTurns:
    transactions: Transactions
    handoffs: HandoffService
    settings: Settings

    async def _say(self, tx: Tx, conversation: Conversation, seq: int, texts: list[Outgoing], *, tag: str = "") -> None:
        raise NotImplementedError

    async def _reopened(self, tx: Tx, conversation: Conversation) -> Conversation:
        raise NotImplementedError

    async def _crisis(
        self, conversation: Conversation, borrower: Borrower, message: Message, *, after_no: bool = False, answered: bool = False
    ) -> None:
        """Crisis lines at once, whoever holds the Conversation; an urgent person; proactive contact paused.
        While the person is on the way every message is answered: the wait when asked, what a yes to the direct
        question needs to hear, or a supportive line. After a "no", a new sign gets the lines and the question again."""
        async with self.transactions() as tx:
            conversation = await self._reopened(tx, conversation)
            already = conversation.status.human and conversation.reason is HandoffReason.CRISIS
            if already and (not after_no or answered):
                # Held for a person already: a yes to the direct question, a new sign ("要是我不在了，这钱会不会让我儿子还",
                # not just "嗯") with the numbers again, or else an acknowledgment (the wait, when asked).
                new_sign = assess_distress(message.text).level == "crisis" and not await self._just_said(tx, conversation)
                if answered or new_sign:
                    said = (
                        risk_confirmed(borrower.timezone, person_back=self._person_back(borrower, tx.now), text=message.text)
                        if answered
                        else sign_again(borrower.timezone, text=message.text)
                    )
                    await self._say(tx, conversation, message.seq, [Outgoing(said)])
                    await conversation_store.set_acknowledged(tx.conn, conversation.conversation_id, tx.now)
                else:
                    await self.handoffs.acknowledge(tx, conversation, borrower.timezone, crisis=True, text=message.text)
            else:
                when = self._person_back(borrower, tx.now)
                other = about_someone_else(message.text)
                texts = (
                    concern_for_other_messages(borrower.timezone, person_back=when)
                    if other
                    else crisis_messages(borrower.timezone, person_back=when, text=message.text)
                )
                await self._say(tx, conversation, message.seq, [Outgoing(t) for t in texts])
                summary = (
                    "来信人担心家人有轻生风险（原话见对话记录）"
                    if other
                    else "说过没有轻生念头后，又出现危机信号（原话见对话记录）"
                    if after_no
                    else "危机信号（原话见对话记录）"
                )
                await self.handoffs.request(tx, conversation, HandoffReason.CRISIS, Priority.URGENT, summary, {"detected": "crisis"})
                await conversation_store.set_acknowledged(tx.conn, conversation.conversation_id, tx.now)
            until = tx.now + timedelta(days=self.settings.crisis_pause_days)
            if borrower.flags.crisis_pause_until is None or borrower.flags.crisis_pause_until < until:
                await borrower_store.update_flags(tx.conn, borrower.borrower_id, tx.now, crisis_pause_until=until)
            if not already:  # the lender hears of a crisis once per handoff, not of every message in it
                tx.emit(CrisisDetected(borrower.borrower_id, conversation.conversation_id))
            await turn_store.finish(tx.conn, conversation.conversation_id, message.seq, tx.now)

    def _person_back(self, borrower: Borrower, now: datetime) -> Optional[str]:
        """When people are next on duty, in words for the Borrower (None while they are on duty now)."""
        back = self.handoffs.back_at(now)
        return notices.when_back(back, back.astimezone(ZoneInfo(borrower.timezone))) if back else None

    async def _just_said(self, tx: Tx, conversation: Conversation) -> bool:
        """The last thing said to the Borrower was the reply to a new sign (never the same words twice running)."""
        said = await message_store.recent(tx.conn, conversation.conversation_id, sender=SenderType.SYSTEM, limit=1)
        return bool(said) and said[-1].text.startswith(SIGN_AGAIN_OPENING)

    async def _risk_check(self, conversation: Conversation, seq: int, earlier: list[Message]) -> RiskCheck:
        """Where the Borrower stands on the direct question (read only while a person is awaited for a crisis)."""
        if not (conversation.status is ConversationStatus.WAITING_FOR_COLLECTOR and conversation.reason is HandoffReason.CRISIS):
            return RiskCheck(False, None)
        async with self.transactions.read() as conn:
            said = await message_store.recent(conn, conversation.conversation_id, sender=SenderType.SYSTEM, limit=RISK_LOOKBACK)
        return risk_check(said, [m.seq for m in earlier], seq)

    async def _risk_denied(self, conversation: Conversation, message: Message) -> None:
        """A plain "no": thanked, the person still on the way, the assistant available again meanwhile
        (its own client id, so the assistant's replies to the same message can follow it)."""
        async with self.transactions() as tx:
            await self._say(tx, conversation, message.seq, [Outgoing(RISK_DENIED)], tag="risk")
