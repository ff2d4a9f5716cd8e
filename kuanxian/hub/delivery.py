"""The final choke point: every text a Borrower can receive passes here, once.

- The pressure guard (rules and the learned model) reviews every text and
  button title. A blocked bot or template text is replaced by a safe notice and
  recorded; a blocked collector reply is refused with the reasons and fair
  alternatives (nothing reaches the Borrower).
- While someone other than the account holder may be typing (Speaker.THIRD_PARTY),
  a disclosure guard also refuses any text with an amount, a date or a count
  of days overdue.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from kuanxian.domain.conversation import Speaker
from kuanxian.domain.events import GuardBlocked, MessageStored
from kuanxian.domain.message import Button, Message, NewMessage, SenderType
from kuanxian.hub.templates import Templates
from kuanxian.hub.tx import Tx
from kuanxian.safety import review_message
from kuanxian.safety.guard import explain
from kuanxian.safety.rules import Review, Violation, review_rules
from kuanxian.storage import messages as message_store

logger = logging.getLogger(__name__)

BOT_FALLBACK = "抱歉，这条回复需要工作人员来处理，我已请同事查看，请稍等。"

# Account detail a third party must never see: money, dates, days overdue, installment counts.
_DISCLOSURE = re.compile(
    r"\d[\d,，.]*\s*(?:元|块|万|千|rmb|cny|¥)|[¥￥]\s*\d|\d+\s*(?:天|期|号|日|月)|"
    r"(?:欠款|待还|逾期|本金|利息|余额|还款日|到期)[^。！？\n]{0,6}\d",
    re.IGNORECASE,
)


def discloses_account(text: str) -> bool:
    """Does the text carry an amount, a date or an overdue count?"""
    return _DISCLOSURE.search(text) is not None


# Bot texts and button titles repeat a lot; the guard is a pure function of the text.
_cached_review = functools.lru_cache(maxsize=16384)(review_message)


class Blocked(Exception):
    """A collector's reply the guard refused; nothing was stored or sent."""

    def __init__(self, review: Review, text: str) -> None:
        super().__init__("blocked by the guard")
        self.review = review
        # The explanation (nearest corpus lines) is slow on first use: the API builds it off the event loop.
        self.text = text


@dataclass(frozen=True)
class Outgoing:
    text: str
    buttons: tuple[Button, ...] = ()


# Button titles are short quick replies in the Borrower's own voice ("我现在去还款"), which the
# model (trained on messages *to* a Borrower) was never shown: the rules check them.
_cached_rules = functools.lru_cache(maxsize=16384)(review_rules)


def _violations(text: str, buttons: Sequence[Button]) -> list[Violation]:
    found = list(_cached_review(text).violations) if text else []
    for button in buttons:
        found += _cached_rules(button.title).violations
    return found


class Delivery:
    """Guard, store and announce outgoing Messages (inside the caller's transaction)."""

    def __init__(self, templates: Optional[Templates] = None) -> None:
        # The trainers' templates, so a blocked bot text is attributed to the one who wrote it.
        self.templates = templates or Templates()

    async def post(
        self,
        tx: Tx,
        conversation_id: str,
        sender: SenderType,
        outgoing: Outgoing,
        *,
        speaker: Speaker = Speaker.HOLDER,
        client_id: Optional[str] = None,
        collector_id: Optional[int] = None,
        author: str = "bot",
        borrower_id: str = "",
    ) -> Message:
        text, buttons = outgoing.text, outgoing.buttons
        violations = _violations(text, buttons)
        if (
            speaker is Speaker.THIRD_PARTY
            and sender is not SenderType.COLLECTOR
            and (discloses_account(text) or any(discloses_account(b.title) for b in buttons))
        ):
            logger.error("withheld account detail from a third party in %s", conversation_id)
            text, buttons = BOT_FALLBACK, ()
        if violations:
            if sender is SenderType.COLLECTOR:
                review = Review(allowed=False, violations=violations)
                tx.emit(*(GuardBlocked(conversation_id, "collector", v.category, v.rule_id) for v in violations[:1]))
                raise Blocked(review, outgoing.text)
            if author == "bot" and self.templates.written_by_trainer(text):
                author = "template"
            logger.error("blocked %s text in %s by %s", author, conversation_id, ",".join(sorted({v.rule_id for v in violations})))
            tx.emit(GuardBlocked(conversation_id, author, violations[0].category, violations[0].rule_id))
            text, buttons = BOT_FALLBACK, ()
        if client_id:
            existing = await message_store.by_client_id(tx.conn, conversation_id, client_id)
            if existing is not None:
                return existing
        message = await message_store.append_in(
            tx.conn,
            conversation_id,
            NewMessage(sender, text, buttons=buttons, client_id=client_id, collector_id=collector_id),
            tx.now,
        )
        tx.emit(MessageStored(conversation_id, message, borrower_id))
        return message

    async def note(self, tx: Tx, conversation_id: str, text: str, collector_id: int) -> Message:
        """An internal note: stored for the console only, never shown to the Borrower."""
        message = await message_store.append_in(
            tx.conn, conversation_id, NewMessage(SenderType.COLLECTOR, text, internal=True, collector_id=collector_id), tx.now
        )
        tx.emit(MessageStored(conversation_id, message))
        return message


def review_draft(text: str) -> dict[str, object]:
    """The guard's verdict on a draft, with the model's reasons and the nearest corpus lines."""
    return explain(text).to_dict()
