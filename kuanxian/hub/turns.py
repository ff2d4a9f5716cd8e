"""The turn pipeline: one Borrower message in, the answer (or an honest notice) out.

    accept ─ validate, rate-limit, store the Message and a pending turn (one transaction)
    run    ─ under the Conversation's turn lock:
             safety first (crisis, someone else typing, distress) — handled here, in one place;
             a person awaited or present → stay quiet, acknowledge kindly;
             otherwise the Brain → its commands applied and its texts delivered,
             with the turn marked done, all in one transaction.
    recover ─ pending turns a dead hub left behind are finished by the next one.

Every accepted message gets exactly one answer or notice: bot messages of a
turn carry the client id `turn-<seq>:<n>`, so finishing a turn twice shows
nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Optional

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from kuanxian import notices
from kuanxian.commands import MarkWrongContact
from kuanxian.domain.borrower import Borrower
from kuanxian.domain.conversation import Conversation, ConversationStatus, Speaker
from kuanxian.domain.events import StatusChanged, ThirdPartyNoticed, TypingChanged
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.message import Button, Message, NewMessage, SenderType
from kuanxian.hub.brain import Brain, BrainReply, BrainUnavailable, TurnContext
from kuanxian.hub.bus import EventBus
from kuanxian.hub.commands import audit, revert_recent
from kuanxian.hub.crisis_turns import CrisisTurns
from kuanxian.hub.delivery import Delivery, Outgoing
from kuanxian.hub.errors import not_found, too_many
from kuanxian.hub.handoffs import HandoffService
from kuanxian.hub.inputs import clean_client_id, clean_text
from kuanxian.hub.locks import TurnLocks
from kuanxian.hub.reminders import ReminderService
from kuanxian.hub.replying import ReplyApplier
from kuanxian.hub.risk import asks_more, denies_risk, prompted_by, refers_back, says_yes, without_denial
from kuanxian.hub.speaker import (
    ASKS_HOW_TO_REACH,
    ASKS_WAIT,
    SAYS_BYE,
    STOP_CONTACT,
    STRANGER,
    WANTS_PERSON,
    confirms_holder,
    hands_back,
    helper_declared,
    identity_asked,
    identity_verdict,
    relays_holder,
)
from kuanxian.hub.tx import Transactions, Tx
from kuanxian.safety import assess_distress
from kuanxian.safety.distress import crisis_probability
from kuanxian.safety.identity import assess_speaker
from kuanxian.settings import Settings
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import conversations as conversation_store
from kuanxian.storage import messages as message_store
from kuanxian.storage import turns as turn_store

logger = logging.getLogger(__name__)

TURN_LEASE = timedelta(seconds=90)
# While these wait for a person the assistant stays quiet (a person is what helps); for the others
# (a question for a person, a complaint, a plan beyond policy) it keeps answering until one joins.
# While a person is awaited for these reasons the assistant stays out (acknowledgments only): crisis needs a
# person, and a third party gets nothing. Someone in distress keeps getting answers meanwhile (out of staffed
# hours the person may be hours away; "过完年再还行吗" deserves an answer, kindly), and their distress still
# brings a person. After the assistant failed it is asked again (another Rasa may answer); failing again, the
# Borrower gets an acknowledgment now and then, not the notice again.
QUIET_WHILE_WAITING = frozenset({HandoffReason.CRISIS, HandoffReason.THIRD_PARTY})
# A turn that failed this many times (a bug, a poisoned reply) gets the honest notice instead of another run.
MAX_TURN_ATTEMPTS = 3
CONTEXT_MESSAGES = 3
# A third party's words before they said who they are: changes this recent are reverted.
THIRD_PARTY_LOOKBACK = timedelta(minutes=30)
# After a plain no to the crisis question, a crisis read by the model alone below this is a doubt, not a new sign.
MARGINAL_CRISIS = 0.5


@dataclass(frozen=True)
class Accepted:
    message: Message
    created: bool


class TurnPipeline(CrisisTurns):
    def __init__(
        self,
        settings: Settings,
        transactions: Transactions,
        delivery: Delivery,
        handoffs: HandoffService,
        replies: ReplyApplier,
        brain: Brain,
        locks: TurnLocks,
        bus: EventBus,
        reminders: ReminderService,
    ) -> None:
        self.settings = settings
        self.transactions = transactions
        self.delivery = delivery
        self.handoffs = handoffs
        self.replies = replies
        self.applier = replies.applier
        self.brain = brain
        self.locks = locks
        self.bus = bus
        self.reminders = reminders
        self.owner = f"hub{settings.instance}-{uuid.uuid4().hex[:8]}"
        self._tasks: set[asyncio.Task[None]] = set()

    # Accepting ---------------------------------------------------------------
    async def accept(self, conversation_id: str, text: str, client_id: Optional[str]) -> Accepted:
        text = clean_text(text, self.settings.max_message_chars)
        client_id = clean_client_id(client_id)
        async with self.transactions.read() as conn:
            if client_id:
                existing = await message_store.by_client_id(conn, conversation_id, client_id)
                if existing is not None:
                    return Accepted(existing, False)  # a retry: not counted against the rate limit
            shown, _ = await self._shown(conn, conversation_id, text)
        try:
            async with self.transactions() as tx:
                message = await message_store.append_in(  # locks the Conversation row: appends queue up
                    tx.conn, conversation_id, NewMessage(SenderType.BORROWER, shown, client_id=client_id), tx.now
                )
                await self._check_rate(tx, conversation_id, message)
                await turn_store.start(tx.conn, conversation_id, message.seq, tx.now, self.owner, TURN_LEASE)
                from kuanxian.domain.events import MessageStored

                tx.emit(MessageStored(conversation_id, message))
        except IntegrityError:
            # A concurrent retry with the same client_id stored it first: this one is that retry.
            if client_id:
                async with self.transactions.read() as conn:
                    existing = await message_store.by_client_id(conn, conversation_id, client_id)
                if existing is not None:
                    return Accepted(existing, False)
            raise
        self.spawn(self.run(conversation_id, message.seq))
        return Accepted(message, True)

    async def _check_rate(self, tx: Tx, conversation_id: str, message: Message) -> None:
        window = timedelta(seconds=self.settings.rate_limit_window_seconds)
        count, oldest = await message_store.count_since(tx.conn, conversation_id, SenderType.BORROWER, tx.now - window)
        if count > self.settings.rate_limit_messages:
            retry = (oldest + window - tx.now).total_seconds() if oldest else window.total_seconds()
            raise too_many(retry_after=max(1, int(retry + 0.999)))

    async def _shown(self, conn: AsyncConnection, conversation_id: str, text: str) -> tuple[str, str]:
        """A button payload is shown by its title; other '/' text never reaches Rasa as a command."""
        if text.startswith("/"):
            for button in await message_store.recent_buttons(conn, conversation_id):
                if button.payload == text:
                    return button.title or text, text
        return text, text.lstrip("/") or text

    async def _brain_text(self, conn: AsyncConnection, conversation_id: str, shown: str) -> str:
        """What the Brain hears: the payload of a button whose title was sent, else the text itself."""
        for button in await message_store.recent_buttons(conn, conversation_id):
            if button.title == shown and button.payload.startswith("/"):
                return button.payload
        return shown.lstrip("/") or shown

    # Running -----------------------------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, timeout: float = 60.0) -> None:
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)

    async def run(self, conversation_id: str, seq: int) -> None:
        try:
            async with self.locks.turn(conversation_id):
                await self._run(conversation_id, seq)
        except Exception:
            logger.exception("turn %s:%s failed; it stays pending and will be retried", conversation_id, seq)

    async def _run(self, conversation_id: str, seq: int) -> None:
        async with self.transactions.read() as conn:
            if await turn_store.status(conn, conversation_id, seq) != turn_store.PENDING:
                return
            tries = await turn_store.attempts(conn, conversation_id, seq)
            message = await message_store.by_seq(conn, conversation_id, seq)
            conversation = await conversation_store.get_conversation(conn, conversation_id)
            borrower = await borrower_store.get_borrower(conn, conversation.borrower_id) if conversation else None
            earlier = await message_store.recent(conn, conversation_id, sender=SenderType.BORROWER, limit=CONTEXT_MESSAGES + 1)
        if message is None or conversation is None or borrower is None:
            await self._finish(conversation_id, seq)
            return
        check = await self._risk_check(conversation, seq, earlier)
        # A no after a yes or a new sign ("棚里有瓶农药" … "没人") does not clear the risk: a person decides that.
        prompted: Optional[Message] = None
        if check.asked and not check.heard and denies_risk(message.text):
            await self._risk_denied(conversation, message)
            # "没想死，我就是问问会不会发网上": the question is answered too (the denying words are no sign); a bare
            # "没有" answers the question about the loan that prompted the direct one ("关了以后还会打电话吗？").
            # A no that points back at it ("我问的是钱还清了没得 你搞错了") answers that question, not its own words.
            own = asks_more(message.text) and not refers_back(message.text)
            prompted = None if own else prompted_by(check, earlier)
            if not asks_more(message.text) and prompted is None:
                await self._finish(conversation_id, seq)
                return
            check = replace(check, denied_at=seq)
        # After a plain "no" to the direct question, what came before it no longer raises the bar by itself.
        context = [m.text for m in earlier if (check.denied_at or 0) < m.seq < seq][-CONTEXT_MESSAGES:]
        assessment = assess_distress(without_denial(message.text) if check.denied_at == seq else message.text, context)
        level = assessment.level
        if (
            level == "crisis"
            and check.denied_at is not None
            and check.denied_at != seq
            and assessment.signals == ("model.crisis",)
            and crisis_probability(message.text) < MARGINAL_CRISIS
        ):
            # After a plain no, with a person already on the way for it: a doubtful reading of the model alone, with no
            # word of risk ("如果我拖到月底再还 会怎么样"), is answered with care, not with the crisis script again.
            level = "distress"
        if prompted is not None and level != "crisis":
            message = replace(message, text=prompted.text)  # read once more, now as the question it was
        if check.denied_at is not None and check.denied_at != seq and says_yes(check, message.text):
            level = "crisis"  # "你刚才问的那个 。。。是想过。": the no taken back
        if tries > MAX_TURN_ATTEMPTS and level != "crisis":
            # This turn failed every time it ran: the honest notice and a person, not another try.
            logger.error("turn %s:%s failed %s times; handing it to a person", conversation_id, seq, tries - 1)
            await self._deliver_reply(conversation, borrower, message, None, level)
            return
        speaker = conversation.speaker
        crisis_hold = conversation.status.human and conversation.reason is HandoffReason.CRISIS
        asked: Optional[Message] = None
        if speaker is Speaker.HOLDER and level != "crisis" and not crisis_hold:
            # (Never "您是本人吗？" to someone a person is on the way to for a crisis.)
            # Whether the identity question is the last thing said (one read when it is not): an answer that is
            # not a yes to it, after a stranger's words, gets nothing about the account.
            async with self.transactions.read() as conn:
                asked = await identity_asked(conn, conversation_id, seq)
                helper = relays_holder(message.text) and await helper_declared(conn, conversation_id, seq)
            verdict = identity_verdict(message.text, asked is not None, helper=helper, asked_about=asked.text if asked else "")
            if verdict == "ask":
                await self._ask_identity(conversation, message)
                return
            if verdict == "third_party":
                speaker = Speaker.THIRD_PARTY
            elif verdict == "confirmed" and asked is not None:
                # A yes to the question: the assistant answers what they asked before it.
                message = replace(message, text=asked.text)
        elif speaker is Speaker.THIRD_PARTY and level != "crisis" and not crisis_hold and not borrower.flags.wrong_contact:
            # Someone else typed, and now the holder has the phone back ("我是王 刚才是我孙子打的字"): the holder again,
            # recorded for the collector. A bare "我是本人" is asked the identity question first, and a yes to it
            # counts. (Never after a stranger or a wrong number.)
            async with self.transactions.read() as conn:
                asked = await identity_asked(conn, conversation_id, seq)
            back = hands_back(message.text) if asked is None else ""
            if back == "claim":
                await self._ask_identity(conversation, message)
                return
            if back == "back" or (asked is not None and confirms_holder(message.text)):
                conversation = await self._holder_back(conversation, borrower)
                speaker = Speaker.HOLDER
                if asked is not None:
                    message = replace(message, text=asked.text)
        if level == "crisis":
            await self._crisis(
                conversation, borrower, message, after_no=check.denied_at is not None, answered=says_yes(check, message.text)
            )
        elif speaker is Speaker.THIRD_PARTY:
            await self._third_party(conversation, borrower, message, asked)
        elif conversation.status is ConversationStatus.WITH_COLLECTOR or (
            conversation.status.human and conversation.reason in QUIET_WHILE_WAITING and check.denied_at is None
        ):
            await self._while_waiting(conversation, borrower, message, level)
        elif conversation.status is ConversationStatus.WAITING_FOR_COLLECTOR and level == "none" and ASKS_WAIT.search(message.text):
            await self._while_waiting(conversation, borrower, message, level)  # "要等多久？": the hub knows, not the assistant
        else:
            # Distress goes to the assistant too, told so: feelings (express_distress) bring a person at
            # once; a hardship or a plan talk carries on, with reminders paused and a person offered.
            await self._bot_turn(conversation, borrower, message, context, level)

    async def _finish(self, conversation_id: str, seq: int) -> None:
        async with self.transactions() as tx:
            await turn_store.finish(tx.conn, conversation_id, seq, tx.now)

    async def _reopened(self, tx: Tx, conversation: Conversation) -> Conversation:
        if conversation.status is not ConversationStatus.RESOLVED:
            return conversation
        after = conversation.reopen()
        await conversation_store.save_transition(tx.conn, conversation, after, tx.now)
        return after

    async def _say(
        self,
        tx: Tx,
        conversation: Conversation,
        seq: int,
        texts: list[Outgoing],
        sender: SenderType = SenderType.SYSTEM,
        speaker: Optional[Speaker] = None,
        *,
        tag: str = "",
    ) -> None:
        """Post `texts` for message `seq` (client ids turn-<seq>:<tag><n>: a retried turn posts nothing twice)."""
        for n, outgoing in enumerate(texts):
            await self.delivery.post(
                tx,
                conversation.conversation_id,
                sender,
                outgoing,
                speaker=speaker or conversation.speaker,
                client_id=f"turn-{seq}:{tag}{n}",
                author="bot" if sender is SenderType.BOT else "system",
                borrower_id=conversation.borrower_id,
            )

    async def _ask_identity(self, conversation: Conversation, message: Message) -> None:
        """Nothing about the account yet, and no change to it: first, who is writing?"""
        buttons = (Button(notices.IDENTITY_YES, notices.IDENTITY_YES), Button(notices.IDENTITY_NO, notices.IDENTITY_NO))
        async with self.transactions() as tx:
            conversation = await self._reopened(tx, conversation)
            await self._say(tx, conversation, message.seq, [Outgoing(notices.identity_check(), buttons)])
            await turn_store.finish(tx.conn, conversation.conversation_id, message.seq, tx.now)

    async def _holder_back(self, conversation: Conversation, borrower: Borrower) -> Conversation:
        """The holder says they have their phone back (in so many words, or a yes to the identity question)."""
        async with self.transactions() as tx:
            await conversation_store.set_speaker(tx.conn, conversation.conversation_id, Speaker.HOLDER, tx.now)
            await audit(
                tx,
                borrower.borrower_id,
                conversation.conversation_id,
                "holder_back",
                "speaker",
                Speaker.THIRD_PARTY.value,
                Speaker.HOLDER.value,
                note="说自己是账户本人（手机交还给本人）",
            )
            conversation = replace(conversation, speaker=Speaker.HOLDER)
            tx.emit(StatusChanged(conversation))
        return conversation

    async def _third_party(self, conversation: Conversation, borrower: Borrower, message: Message, asked: Optional[Message] = None) -> None:
        """Nothing about the account, no change to it; the collector is told without the Borrower's data.

        "别再发了" or a stranger's phone ("二手手机", "不认识机主") marks the contact wrong, so no
        Reminder reaches this person again; "转人工" asks a person to check who is writing. `asked` is the
        message the identity question answered: "手机是二手的" then "那个人我不认识" is a stranger too.
        """
        async with self.transactions() as tx:
            conversation = await self._reopened(tx, conversation)
            first = conversation.speaker is Speaker.HOLDER
            text = notices.third_party_first() if first else notices.third_party_again()
            stop = STOP_CONTACT.search(message.text) is not None
            stranger = any(STRANGER.search(m.text) for m in (message, asked) if m is not None)
            if stop or stranger:
                await self.applier.apply(tx, replace(conversation, speaker=Speaker.THIRD_PARTY), (MarkWrongContact(),))
            if stop and not first:
                text = notices.third_party_stop()
            if first:
                await conversation_store.set_speaker(tx.conn, conversation.conversation_id, Speaker.THIRD_PARTY, tx.now)
                reverted = await revert_recent(tx, borrower.borrower_id, conversation.conversation_id, tx.now - THIRD_PARTY_LOOKBACK)
                conversation = replace(conversation, speaker=Speaker.THIRD_PARTY)
                tx.emit(
                    ThirdPartyNoticed(
                        borrower.borrower_id, conversation.conversation_id, assess_speaker(message.text).cues, tuple(reverted)
                    ),
                    StatusChanged(conversation),
                )
            elif not stop and ASKS_HOW_TO_REACH.search(message.text):
                text = notices.third_party_how_to_reach()
            elif WANTS_PERSON.search(message.text) and not conversation.status.human:
                text = notices.third_party_person()
                conversation = await self.handoffs.request(
                    tx, conversation, HandoffReason.THIRD_PARTY, Priority.NORMAL, "对话中的人可能不是账户本人，请人工核实身份"
                )
            elif not stop and SAYS_BYE.search(message.text):
                text = notices.third_party_bye()
            elif not stop:
                said = await message_store.recent(tx.conn, conversation.conversation_id, sender=SenderType.SYSTEM, limit=1)
                if said and said[-1].text == text:
                    text = notices.third_party_again_short()
            await self._say(tx, conversation, message.seq, [Outgoing(text)], speaker=Speaker.THIRD_PARTY)
            await turn_store.finish(tx.conn, conversation.conversation_id, message.seq, tx.now)

    async def _while_waiting(self, conversation: Conversation, borrower: Borrower, message: Message, level: str) -> None:
        async with self.transactions() as tx:
            if level == "distress" and conversation.reason not in (HandoffReason.CRISIS, HandoffReason.DISTRESS):
                conversation = await self.handoffs.request(
                    tx, conversation, HandoffReason.DISTRESS, Priority.HIGH, "情绪困扰（等待人工期间）"
                )
            crisis = conversation.reason is HandoffReason.CRISIS
            await self.handoffs.acknowledge(tx, conversation, borrower.timezone, crisis=crisis, text=message.text)
            await turn_store.finish(tx.conn, conversation.conversation_id, message.seq, tx.now)

    async def _bot_turn(
        self, conversation: Conversation, borrower: Borrower, message: Message, context: list[str], level: str = "none"
    ) -> None:
        cid = conversation.conversation_id
        await self.bus.publish([TypingChanged(cid, True)])
        try:
            reply: Optional[BrainReply] = None
            async with self.transactions.read() as conn:
                to_brain = await self._brain_text(conn, cid, message.text)
            try:
                reply = await self.brain.turn(
                    to_brain,
                    TurnContext(
                        borrower.borrower_id,
                        cid,
                        tuple(context),
                        level,
                        self.settings.hardship_pause_days,
                        awaiting_person=conversation.status.human,
                    ),
                )
            except BrainUnavailable as exc:
                logger.error("the assistant is unavailable for %s: %s", cid, exc)
            await self._deliver_reply(conversation, borrower, message, reply, level)
        finally:
            await self.bus.publish([TypingChanged(cid, False)])

    async def _deliver_reply(
        self, conversation: Conversation, borrower: Borrower, message: Message, reply: Optional[BrainReply], level: str
    ) -> None:
        async with self.transactions() as tx:
            conversation = await self._reopened(tx, conversation)
            if reply is not None and reply.empty:
                self.applier.reject(tx, conversation, reply.rejected)  # nothing else came: still logged and counted
            if (reply is None or reply.empty) and conversation.status.human and conversation.reason is HandoffReason.ASSISTANT_UNAVAILABLE:
                # Still down while a person is awaited: the notice was given; acknowledge now and then, no repeat.
                await self.handoffs.acknowledge(tx, conversation, borrower.timezone, crisis=False)
            elif reply is None or reply.empty:
                await self._say(tx, conversation, message.seq, [Outgoing(notices.ASSISTANT_UNAVAILABLE)])
                await self.handoffs.request(
                    tx, conversation, HandoffReason.ASSISTANT_UNAVAILABLE, Priority.NORMAL, "助手没有回复（消息已保存）"
                )
                await conversation_store.set_acknowledged(tx.conn, conversation.conversation_id, tx.now)
            else:
                decided = await self.replies.apply(tx, conversation, reply, self.reminders)
                await self._say(tx, conversation, message.seq, list(decided.texts), decided.sender)
                conversation = await self.replies.follow_up(tx, conversation, decided.outcome, self.reminders)
                if level == "distress":
                    await self._distress_care(tx, conversation, borrower, message, bool(decided.outcome.handoffs))
            await turn_store.finish(tx.conn, conversation.conversation_id, message.seq, tx.now)

    async def _distress_care(self, tx: Tx, conversation: Conversation, borrower: Borrower, message: Message, handed_off: bool) -> None:
        """Distress the assistant did not hand to a person: pause reminders, and offer a person (once a day)."""
        until = tx.now + timedelta(days=self.settings.hardship_pause_days)
        if borrower.flags.hardship_pause_until is None or borrower.flags.hardship_pause_until < until:
            await borrower_store.update_flags(
                tx.conn, borrower.borrower_id, tx.now, hardship_pause_until=until, hardship_pause_reason="distress"
            )
        if handed_off:
            return
        last = await conversation_store.acknowledged_at(tx.conn, conversation.conversation_id)
        if last is None or tx.now - last > timedelta(hours=24):
            await self.delivery.post(
                tx,
                conversation.conversation_id,
                SenderType.SYSTEM,
                Outgoing(notices.care_offer()),
                client_id=f"turn-{message.seq}:care",
                author="system",
                borrower_id=borrower.borrower_id,
            )
            await conversation_store.set_acknowledged(tx.conn, conversation.conversation_id, tx.now)

    # Recovery ----------------------------------------------------------------
    async def recover(self) -> int:
        """Finish turns a dead hub left pending (their lease expired)."""
        async with self.transactions() as tx:
            stale = await turn_store.lease_stale(tx.conn, tx.now, self.owner, TURN_LEASE)
        for cid, seq in stale:
            self.spawn(self.run(cid, seq))
        return len(stale)

    async def recover_forever(self, interval: float = 15.0) -> None:
        while True:
            try:
                await self.recover()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("turn recovery failed")
            await asyncio.sleep(interval)

    async def conversation_or_404(self, conversation_id: str) -> Conversation:
        async with self.transactions.read() as conn:
            found = await conversation_store.get_conversation(conn, conversation_id)
        if found is None:
            raise not_found("conversation")
        return found
