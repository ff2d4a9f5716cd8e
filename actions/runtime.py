"""What every action shares: reading the account (never writing), the clock, and replying.

Actions decide; the hub writes. An action reads the Borrower, their plan and
hardship records from the shared database (read-only), composes replies from
kuanxian.replies, and returns typed commands (kuanxian.commands) for the hub to
validate and apply. Texts are checked by the guard at the hub (and every
composable text is pre-checked by tests/unit/test_replies.py).
"""

from __future__ import annotations

import inspect
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.ext.asyncio import AsyncEngine

from kuanxian.commands import Command, to_json_message
from kuanxian.domain.borrower import Borrower
from kuanxian.domain.hardship import Hardship
from kuanxian.domain.plan import PaymentPlan
from kuanxian.replies import Reply
from kuanxian.replies import account as account_texts


# The clock is a module attribute so tests can move time.
def clock() -> datetime:
    return datetime.now(tz=UTC)


_engine: Optional[AsyncEngine] = None

Events = list[dict[str, Any]]


def now() -> datetime:
    return clock()


def engine() -> AsyncEngine:
    """The read-only view of the shared database, created on first use."""
    global _engine
    if _engine is None:
        from kuanxian.storage.db import make_engine

        _engine = make_engine()
    return _engine


def use_engine(value: Optional[AsyncEngine]) -> None:
    """Tests point the actions at their own database."""
    global _engine
    _engine = value


@dataclass(frozen=True)
class Context:
    """What an action knows about the Borrower in this turn."""

    borrower: Borrower
    plan: Optional[PaymentPlan]
    hardships: tuple[Hardship, ...]
    now: datetime

    @property
    def today(self) -> date:
        return self.borrower.today(self.now)


async def load_context(borrower_id: str) -> Optional[Context]:
    from kuanxian.storage import borrowers, hardships, plans

    async with engine().connect() as conn:
        borrower = await borrowers.get_borrower(conn, borrower_id)
        if borrower is None:
            return None
        plan = await plans.active_plan(conn, borrower_id)
        records = await hardships.list_hardships(conn, borrower_id)
    return Context(borrower, plan, tuple(records), now())


def say(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
    if buttons:
        dispatcher.utter_message(text=reply.text, buttons=buttons)
    else:
        dispatcher.utter_message(text=reply.text)


def command(dispatcher: CollectingDispatcher, cmd: Command) -> None:
    """A typed command for the hub, sent as a json_message."""
    dispatcher.utter_message(json_message=to_json_message(cmd))


def borrower_id_of(tracker: Tracker) -> Optional[str]:
    """The authenticated Borrower: message metadata first, then the session slot."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    from_metadata = metadata.get("borrower_id") if isinstance(metadata, dict) else None
    value = from_metadata or tracker.get_slot("borrower_id")
    return str(value) if value else None


def text_of(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else text


def intent_of(tracker: Tracker) -> str:
    return str(((tracker.latest_message or {}).get("intent") or {}).get("name") or "")


def consent_in_passing(dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context], events: Events) -> Events:
    """ "…我家这个情况你们可以登记": consent to record a hardship told earlier, said in the middle of
    something else. Recorded once; the turn's own answer is unchanged."""
    from kuanxian.dialogue.parse import consents_to_record

    if context is None or context.hardships or not tracker.get_slot("hardship_disclosed"):
        return []
    if tracker.get_slot("hardship_recorded") or any(e.get("name") == "hardship_recorded" for e in events):
        return []
    if not consents_to_record(text_of(tracker)):
        return []
    return record_told_hardship(dispatcher, tracker)


def record_told_hardship(dispatcher: CollectingDispatcher, tracker: Tracker) -> Events:
    """RecordHardship, with consent, for the hardship the Borrower told earlier (its category from the slot)."""
    from kuanxian.commands import RecordHardship
    from kuanxian.domain.hardship import HardshipCategory

    command(dispatcher, RecordHardship(HardshipCategory.parse(tracker.get_slot("hardship_type")), True))
    return [SlotSet("hardship_disclosed", True), SlotSet("hardship_recorded", True)]


AFFIRM, DENY, NEGOTIATE = "action_handle_affirm", "action_handle_deny", "action_negotiate"
# Actions for a message the classifier was unsure of, or found off-topic.
UNSURE = frozenset({"action_fallback", "action_out_of_scope"})
# What the classifier may call a question about the fees ("这350是什么钱"): answered by the fallback's fee explanation.
FEE_MISHEARD = frozenset({"action_negotiate", "action_inform", "action_promise", "action_out_of_scope"})
# Actions the words never reroute to an answer: what they do matters more than a question in passing.
KEEP_OWN_ACTION = frozenset(
    {
        AFFIRM,
        DENY,
        "action_request_human",
        "action_open_dispute",
        "action_wrong_person",
        "action_stop_contact",
        "action_resume_contact",
        "action_listen_kindly",
        "action_fallback",
    }
)
# What the classifier may call a question about interest during a plan ("这期间利息还算不算").
INTEREST_MISHEARD = FEE_MISHEARD | {
    "action_answer_consequences",
    "action_explain_late",
    "action_answer_plan_details",
    "action_answer_balance",
    "action_handle_complaint",
    "action_keep_draft",
    "action_handle_thank",
    "action_answer_fears",
}
# What the classifier may call a message about a holiday just granted ("过俩月再说", "缓的这段时间利息还涨吗").
HOLIDAY_TALK = UNSURE | {
    "action_promise",
    "action_remind_later",
    "action_keep_draft",
    "action_handle_thank",
    "action_handle_affirm",
    "action_answer_consequences",
}


def _holiday_on_the_table(tracker: Tracker) -> bool:
    from kuanxian.dialogue import parse
    from kuanxian.dialogue.negotiation import State

    state = State.from_slot(tracker.get_slot("negotiation"))
    if not (state.holiday_days and state.asked == "terms" and state.amount is None and state.count is None):
        return False
    text = text_of(tracker)
    return parse.defers_plan(text) or bool(re.search(r"暂缓|缓的|停的|这段时间|这俩月|这两个月|这几个月", text))


def registry() -> dict[str, KuanxianAction]:
    """Every concrete action by name (the modules are imported by the action server before any turn)."""
    found: dict[str, KuanxianAction] = {}
    pending: list[type[KuanxianAction]] = list(KuanxianAction.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not inspect.isabstract(cls):
            try:
                action = cls()
                found[action.name()] = action
            except TypeError:
                continue
    return found


class KuanxianAction(Action, ABC):
    """Resolves the Borrower's context once and hands it to `act`.

    Abstract, so the action server registers only the concrete subclasses.
    """

    needs_borrower: ClassVar[bool] = True

    @abstractmethod
    def name(self) -> str:
        """The action's name in domain.yml."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        borrower_id = None if tracker.get_slot("wrong_person") else borrower_id_of(tracker)
        context = await load_context(borrower_id) if borrower_id else None
        if context is None and self.needs_borrower:
            say(dispatcher, account_texts.wrong_person_guard() if tracker.get_slot("wrong_person") else account_texts.not_authenticated())
            return []
        target = self.reroute(tracker, context)
        events = await (target or self).act(dispatcher, tracker, context)
        events += consent_in_passing(dispatcher, tracker, context, events)
        for slot in ("pending_offer", "awaiting"):
            if not any(e.get("event") == "slot" and e.get("name") == slot for e in events):
                # A question on the table is answered, or left behind, by the next turn: a later
                # "好的" or a date must never answer it (a plan, a hardship record, a promise) by accident.
                events.append(SlotSet(slot, None))
        return events

    def reroute(self, tracker: Tracker, context: Optional[Context]) -> Optional[KuanxianAction]:
        """The words decide over a doubtful intent, in two cases.

        A plain yes or no ("好的", "不用了", "记吧，没关系") answers the question on
        the table, whatever intent the classifier heard; and words the
        negotiation can use ("要停三个月", "每月200") go to it rather than to
        "not understood".
        """
        from kuanxian.dialogue.parse import (
            asks_about_fees,
            asks_if_genuine,
            asks_if_person_coming,
            asks_plan_interest,
            asks_reminder_hours,
            asks_time_zone,
            changes_card,
            consents_to_record,
            mentions_hardship,
            names_plan_terms,
            pays_all_on_a_day,
            says_bye_in_numbers,
            says_dispute,
            yes_no,
        )

        text = text_of(tracker)
        if not text:
            return None
        pending = tracker.get_slot("pending_offer")
        if pending and self.name() not in (AFFIRM, DENY):
            answer = yes_no(text, pending)
            if answer is not None:
                return registry()[AFFIRM if answer else DENY]
        if asks_reminder_hours(text) and context is not None and self.name() not in ("action_stop_contact", "action_resume_contact"):
            # "我上夜班，白天要睡觉，早上8点到下午4点不要给我发提醒": when reminders come, not a complaint or a date.
            return registry()["action_stop_contact"]
        if changes_card(text) and context is not None and self.name() in UNSURE | {"action_inform", NEGOTIATE}:
            # "想问下扣款的那张卡怎么换呀": answered, not "没太明白".
            return registry()["action_answer_payment_method"]
        if asks_if_person_coming(text) and self.name() in UNSURE | {DENY, "action_handle_thank", "action_inform", "action_promise"}:
            # "那之前说的停三个月那个工作人员还会找我吗": the handoff as it stands (answered by the fallback).
            return registry()["action_fallback"]
        if self.name() in UNSURE and context is not None and context.plan is None and pays_all_on_a_day(text, context.today):
            # "分期不用，20号全部还": a promise to pay on that day.
            return registry()["action_promise"]
        terms = context is not None and names_plan_terms(text, context.today)
        if (asks_if_genuine(text) or (asks_time_zone(text) and not terms)) and self.name() not in KEEP_OWN_ACTION:
            # "怎么证明你是正规的？" (not a complaint), "12月20号是纽约时间还是北京时间？" (not new terms): answered.
            return registry()["action_fallback"]
        if self.name() in UNSURE and context is not None and mentions_hardship(text) and consents_to_record(text):
            # "要登记什么困难情况的话 可以 你记上吧 是真的没工作": a hardship told with consent.
            return registry()["action_acknowledge_hardship"]
        if says_bye_in_numbers(text) and self.name() != "action_goodbye":
            # "88" after a plan is agreed is goodbye, never 88 yuan a month.
            return registry()["action_goodbye"]
        if self.name() in FEE_MISHEARD and context is not None and asks_about_fees(text) and not says_dispute(text):
            # "多出来的350块钱 是利息还是手续费？" heard as terms or a promise: the fees are explained instead.
            return registry()["action_fallback"]
        if (
            self.name() in UNSURE | {"action_answer_plan_details"}
            and context is not None
            and (self.name() in UNSURE or context.plan is None)
            and names_plan_terms(text, context.today)
            and not says_dispute(text)
        ):
            # (A figure inside a questioned debt, "合同上写的就是8000", is not an offer.)
            return registry()[NEGOTIATE]
        if self.name() in HOLIDAY_TALK and context is not None and _holiday_on_the_table(tracker):
            # A holiday granted and its terms asked: "到时候再说", "停的这俩月利息还涨不" belong to it.
            return registry()[NEGOTIATE]
        if (
            self.name() in INTEREST_MISHEARD
            and context is not None
            and asks_plan_interest(text)
            and not says_dispute(text)
            and not (self.name() in (NEGOTIATE, "action_inform") and names_plan_terms(text, context.today))
        ):
            # "分期的话利息还会一直涨吗", "你没回答我啊。。利息到底还涨不涨": answered (by the fallback), not heard as
            # a complaint, the plan restated, or the consequences of paying late.
            return registry()["action_fallback"]
        return None

    @abstractmethod
    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        """Do the work (context is None only when needs_borrower is False and nobody is logged in)."""


class BorrowerAction(KuanxianAction, ABC):
    """An action only for a logged-in Borrower: `act_for` always receives their Context.

    `run` answers "not logged in" before any action that needs the Borrower is
    reached, and `reroute` sends a turn to one only with a context, so a missing
    context here is a wiring error.
    """

    needs_borrower = True

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Optional[Context]) -> Events:
        if context is None:
            raise RuntimeError(f"{self.name()} needs the Borrower's context; run() answers 'not logged in' before reaching it")
        return await self.act_for(dispatcher, tracker, context)

    @abstractmethod
    async def act_for(self, dispatcher: CollectingDispatcher, tracker: Tracker, context: Context) -> Events:
        """Do the work for the logged-in Borrower."""
