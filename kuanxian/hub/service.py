"""The hub's core: borrower turns, bot delivery, handoff, and the final pressure guard."""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional, Sequence

from kuanxian.accounts import AccountRepository
from kuanxian.handoff import HandoffRequest, PayloadError, PlanConfirmed, ReminderRequest, parse_custom
from kuanxian.hub.errors import ApiError, conflict, invalid, not_found, too_many
from kuanxian.hub.rasa_client import RasaClient, RasaUnavailable
from kuanxian.hub.realtime import Broker
from kuanxian.hub.settings import Settings
from kuanxian.hub.store import HUMAN_STATUSES, Conversation, HubStore, Message, NewMessage
from kuanxian.safety import assess_distress, review_message
from kuanxian.safety.crisis import CRISIS_PAUSE_DAYS, crisis_messages, hardship_pause_days

logger = logging.getLogger(__name__)

# The guard is a pure function and bot texts and button titles repeat a lot: remember verdicts.
cached_review = lru_cache(maxsize=8192)(review_message)

BOT_FALLBACK = "抱歉，这条回复需要工作人员来处理，我已请同事查看，请稍等。"
RASA_DOWN = "抱歉，助手暂时无法回复。您的消息已经保存，我已为您请工作人员来查看，请稍等。"
COLLECTOR_JOINED = "客服 {name} 已加入对话"
HANDED_BACK = "客服 {name} 已将对话交回给智能助手"
RESOLVED = "本次对话已结束，感谢您的耐心。如需帮助，随时可以再发消息。"


@dataclass(frozen=True)
class Turn:
    """A Borrower message accepted by the hub."""

    message: Message
    created: bool


class RateLimiter:
    """At most `limit` messages per `window` seconds per key (sliding window)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float]) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._hits: defaultdict[str, deque[float]] = defaultdict(deque)

    def check(self, key: str) -> None:
        now = self.clock()
        hits = self._hits[key]
        while hits and now - hits[0] > self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            raise too_many(retry_after=round(self.window - (now - hits[0]), 1))
        hits.append(now)


def clean_text(text: Any, max_chars: int) -> str:
    """Validate a message text: a non-blank string of at most `max_chars` characters."""
    if not isinstance(text, str):
        raise invalid("text", "must be a string")
    text = text.strip()
    if not text:
        raise invalid("text", "must not be empty")
    if len(text) > max_chars:
        raise invalid("text", f"must be at most {max_chars} characters", status=413)
    return text


class Hub:
    """Owns Conversations: routes Borrower turns to Rasa or to a Collector."""

    def __init__(
        self,
        settings: Settings,
        store: HubStore,
        accounts: AccountRepository,
        rasa: RasaClient,
        broker: Broker,
        *,
        reminders: Any = None,
        now: Callable[[], datetime] = lambda: datetime.now(tz=timezone.utc),
        monotonic: Callable[[], float] = lambda: asyncio.get_running_loop().time(),
    ) -> None:
        self.settings = settings
        self.store = store
        self.accounts = accounts
        self.rasa = rasa
        self.broker = broker
        self.reminders = reminders
        self.now = now
        self.limiter = RateLimiter(settings.rate_limit_messages, settings.rate_limit_window_seconds, monotonic)
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._tasks: set[asyncio.Task[Any]] = set()

    # Borrower side -------------------------------------------------------
    async def borrower_message(self, conversation_id: str, borrower_id: str, text: Any, client_id: Any) -> Turn:
        """Record the Borrower's message (idempotent by client_id) and start the turn."""
        text = clean_text(text, self.settings.max_message_chars)
        if client_id is not None and (not isinstance(client_id, str) or not 0 < len(client_id) <= 128):
            raise invalid("client_id", "must be a string of 1 to 128 characters")
        if client_id:
            existing = await self.store.by_client_id(conversation_id, client_id)
            if existing:
                return Turn(existing, False)
        self.limiter.check(conversation_id)
        shown, to_rasa = await self._button_or_text(conversation_id, text)
        message, created = await self.store.append(
            conversation_id, NewMessage("borrower", shown, client_id=client_id or None)
        )
        if created:
            self._publish_message(conversation_id, message)
            self.spawn(self._turn(conversation_id, borrower_id, to_rasa, shown))
        return Turn(message, created)

    async def _button_or_text(self, conversation_id: str, text: str) -> tuple[str, str]:
        """A button payload is shown by its title; other '/' text never reaches Rasa as a command."""
        if text.startswith("/"):
            for button in await self.store.recent_buttons(conversation_id):
                if button.get("payload") == text:
                    return button.get("title") or text, text
            return text, text.lstrip("/") or text
        return text, text

    async def _turn(self, conversation_id: str, borrower_id: str, to_rasa: str, shown: str) -> None:
        async with self.turn_lock(conversation_id):
            try:
                await self._handle_turn(conversation_id, borrower_id, to_rasa, shown)
            except Exception:  # never lose the Borrower silently
                logger.exception("turn failed in %s", conversation_id)

    async def _handle_turn(self, conversation_id: str, borrower_id: str, to_rasa: str, shown: str) -> None:
        conversation = await self.store.get_conversation(conversation_id)
        if conversation is None:
            return
        assessment = assess_distress(shown)
        if conversation.status == "resolved":
            await self.store.reopen(conversation_id)
            conversation = await self.store.get_conversation(conversation_id)
            assert conversation is not None
        if conversation.status in HUMAN_STATUSES:
            # A person is waiting or holds it: the bot stays silent, the console sees the message.
            if assessment.level == "crisis":
                await self._crisis(conversation_id, borrower_id, shown)
            elif assessment.level == "distress":
                await self._handoff(conversation_id, HandoffRequest("distress", "high", shown[:200]))
            return
        self.broker.publish(conversation_id, {"type": "typing", "on": True})
        try:
            await self._bot_turn(conversation_id, borrower_id, to_rasa, shown, assessment.level)
        finally:
            # Typing ends once the replies are delivered, so the indicator never flickers off early.
            self.broker.publish(conversation_id, {"type": "typing", "on": False})

    async def _bot_turn(self, conversation_id: str, borrower_id: str, to_rasa: str, shown: str, level: str) -> None:
        try:
            outputs = await self.rasa.send(conversation_id, to_rasa, {"borrower_id": borrower_id, "conversation_id": conversation_id})
        except RasaUnavailable as exc:
            logger.error("Rasa unavailable for %s: %s", conversation_id, exc)
            if level == "crisis":
                await self._crisis(conversation_id, borrower_id, shown)
            else:
                await self.post(conversation_id, "system", RASA_DOWN)
                await self._handoff(conversation_id, HandoffRequest("other", "normal", "助手无法回复：" + shown[:150]))
            return
        payloads = await self.deliver(conversation_id, borrower_id, outputs)
        crisis_routed = any(isinstance(p, HandoffRequest) and p.reason == "crisis" for p in payloads)
        if level == "crisis" and not crisis_routed:
            await self._crisis(conversation_id, borrower_id, shown)

    # Delivery ------------------------------------------------------------
    async def deliver(
        self, conversation_id: str, borrower_id: str, outputs: Sequence[dict[str, Any]], *, client_prefix: Optional[str] = None
    ) -> list[Any]:
        """Record and push Rasa's outputs; act on payloads. Returns the payloads seen."""
        payloads: list[Any] = []
        for index, output in enumerate(outputs):
            custom = output.get("custom")
            if custom is not None:
                try:
                    payload = parse_custom(custom)
                except PayloadError as exc:
                    logger.error("ignored a malformed payload in %s: %s", conversation_id, exc)
                    continue
                if payload is not None:
                    payloads.append(payload)
                    await self._act_on(conversation_id, borrower_id, payload)
                continue
            text = output.get("text")
            if not isinstance(text, str) or not text.strip():
                continue
            buttons = [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                for b in output.get("buttons") or []
                if isinstance(b, dict)
            ]
            client_id = f"{client_prefix}:{index}" if client_prefix else None
            await self.post(conversation_id, "bot", text, buttons=buttons, client_id=client_id)
        return payloads

    async def post(
        self,
        conversation_id: str,
        sender_type: str,
        text: str,
        *,
        buttons: Sequence[dict[str, str]] = (),
        client_id: Optional[str] = None,
        collector_id: Optional[int] = None,
    ) -> Message:
        """The final choke point: every outgoing text passes the pressure guard here."""
        parts = [text] + [b["title"] for b in buttons]
        violations = [v for part in parts for v in cached_review(part).violations]
        if violations:
            rules = ",".join(sorted({v.rule_id for v in violations}))
            if sender_type == "collector":
                raise ApiError(422, "blocked_by_policy", "message blocked by the pressure-tactic guard",
                               violations=[v.to_dict() for v in violations])
            logger.error("blocked %s text in %s by rules %s", sender_type, conversation_id, rules)
            text, buttons = BOT_FALLBACK, ()
        message, created = await self.store.append(
            conversation_id, NewMessage(sender_type, text, buttons=buttons, client_id=client_id, collector_id=collector_id)
        )
        if created:
            self._publish_message(conversation_id, message)
        return message

    async def _act_on(self, conversation_id: str, borrower_id: str, payload: Any) -> None:
        if isinstance(payload, HandoffRequest):
            await self._handoff(conversation_id, payload)
        elif isinstance(payload, ReminderRequest) and self.reminders is not None:
            await self.reminders.schedule(borrower_id, payload.kind, payload.send_at, source="borrower")
        elif isinstance(payload, PlanConfirmed) and self.reminders is not None:
            await self.reminders.schedule_plan(payload.plan_id)

    async def _crisis(self, conversation_id: str, borrower_id: str, text: str) -> None:
        """Crisis lines at once, whether or not a Collector is online; urgent handoff; 30-day pause."""
        for line in crisis_messages():
            await self.post(conversation_id, "system", line)
        await self._handoff(conversation_id, HandoffRequest("crisis", "urgent", "危机信号：" + text[:150]))
        await self.accounts.update_flags(borrower_id, crisis_pause_until=self.now() + timedelta(days=CRISIS_PAUSE_DAYS))

    async def _handoff(self, conversation_id: str, request: HandoffRequest) -> None:
        conversation = await self.store.request_handoff(
            conversation_id, reason=request.reason, priority=request.priority, summary=request.summary
        )
        if conversation is None:
            return
        if request.reason == "distress":
            await self.accounts.update_flags(
                conversation.borrower_id, hardship_pause_until=self.now() + timedelta(days=hardship_pause_days())
            )
        self._publish_status(conversation)
        await self.publish_queue()

    # Console side --------------------------------------------------------
    async def claim(self, conversation_id: str, collector_id: int) -> Conversation:
        outcome = await self.store.claim(conversation_id, collector_id)
        if outcome == "missing":
            raise not_found("conversation")
        if outcome == "held_by_other":
            raise conflict("another collector holds this conversation")
        if outcome == "not_waiting":
            raise conflict("this conversation is not waiting for a collector")
        conversation = await self.store.get_conversation(conversation_id)
        assert conversation is not None
        if outcome == "claimed":
            await self.post(conversation_id, "system", COLLECTOR_JOINED.format(name=conversation.collector_name or "工作人员"))
            self._publish_status(conversation)
            await self.publish_queue()
        return conversation

    async def collector_reply(self, conversation_id: str, collector_id: int, text: Any) -> Message:
        text = clean_text(text, self.settings.max_message_chars)
        conversation = await self._held(conversation_id, collector_id)
        return await self.post(conversation.conversation_id, "collector", text, collector_id=collector_id)

    async def note(self, conversation_id: str, collector_id: int, text: Any) -> Message:
        text = clean_text(text, self.settings.max_message_chars)
        if await self.store.get_conversation(conversation_id) is None:
            raise not_found("conversation")
        message, _ = await self.store.append(
            conversation_id, NewMessage("collector", text, internal=True, collector_id=collector_id)
        )
        self.broker.publish_console({"type": "message", "conversation_id": conversation_id, "message": message.to_json(console=True)})
        return message

    async def handback(self, conversation_id: str, collector_id: int, agreed: Any) -> Conversation:
        agreed_text = agreed.strip()[:500] if isinstance(agreed, str) else ""
        conversation = await self._held(conversation_id, collector_id)
        if agreed_text and not review_message(agreed_text).allowed:
            raise ApiError(422, "blocked_by_policy", "the agreed note is shown to the borrower and was blocked",
                           violations=[v.to_dict() for v in review_message(agreed_text).violations])
        if not await self.store.release(conversation_id, collector_id, outcome="handed_back", agreed=agreed_text):
            raise conflict("conversation changed hands")
        await self.post(conversation_id, "system", HANDED_BACK.format(name=conversation.collector_name or "工作人员"))
        updated = await self.store.get_conversation(conversation_id)
        assert updated is not None
        self._publish_status(updated)
        await self.publish_queue()
        self.spawn(self._resume_bot(conversation_id, updated.borrower_id, agreed_text))
        return updated

    async def _resume_bot(self, conversation_id: str, borrower_id: str, agreed: str) -> None:
        async with self.turn_lock(conversation_id):
            try:
                outputs = await self.rasa.trigger(conversation_id, "EXTERNAL_handback", {"agreed_note": agreed}, borrower_id)
                await self.deliver(conversation_id, borrower_id, outputs)
            except RasaUnavailable as exc:
                logger.error("handback to Rasa failed for %s: %s", conversation_id, exc)
                if agreed:
                    await self.post(conversation_id, "system", f"工作人员和您商定的内容：{agreed}")

    async def resolve(self, conversation_id: str, collector_id: int) -> Conversation:
        conversation = await self.store.get_conversation(conversation_id)
        if conversation is None:
            raise not_found("conversation")
        if conversation.status == "with_collector":
            if conversation.collector_id != collector_id:
                raise conflict("another collector holds this conversation")
            ok = await self.store.release(conversation_id, collector_id, outcome="resolved")
        else:
            ok = await self.store.resolve_waiting(conversation_id)
        if not ok:
            raise conflict("this conversation cannot be resolved now")
        await self.post(conversation_id, "system", RESOLVED)
        updated = await self.store.get_conversation(conversation_id)
        assert updated is not None
        self._publish_status(updated)
        await self.publish_queue()
        return updated

    async def _held(self, conversation_id: str, collector_id: int) -> Conversation:
        conversation = await self.store.get_conversation(conversation_id)
        if conversation is None:
            raise not_found("conversation")
        if conversation.status != "with_collector" or conversation.collector_id != collector_id:
            raise conflict("claim this conversation before replying")
        return conversation

    # Live frames -----------------------------------------------------------
    def _publish_message(self, conversation_id: str, message: Message) -> None:
        if not message.internal:
            self.broker.publish(conversation_id, {"type": "message", "message": message.to_json()})
        self.broker.publish_console({"type": "message", "conversation_id": conversation_id, "message": message.to_json(console=True)})

    def _publish_status(self, conversation: Conversation) -> None:
        self.broker.publish(
            conversation.conversation_id,
            {"type": "status", "status": conversation.status, "collector_name": conversation.collector_name},
        )
        self.broker.publish_console({"type": "conversation", "conversation": conversation.to_json()})

    async def publish_queue(self) -> None:
        queue = await self.store.queue()
        self.broker.publish_console({"type": "queue", "conversations": [c.to_json() for c in queue]})

    def spawn(self, coro: Any) -> None:
        """Run `coro` in the background; `drain` waits for it."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def turn_lock(self, conversation_id: str) -> asyncio.Lock:
        """One turn at a time per Conversation (borrower turns, hand-backs, reminders)."""
        return self._locks[conversation_id]

    async def drain(self, timeout: float = 60.0) -> None:
        """Wait for running turns (tests and shutdown)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)
