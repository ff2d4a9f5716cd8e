"""What every action shares: reading the account (never writing), the clock, and replying.

Actions decide; the hub writes. An action reads the Borrower, their plan and
hardship records from the shared database (read-only), composes replies from
kuanxian.replies, and returns typed commands (kuanxian.commands) for the hub to
validate and apply. Texts are checked by the guard at the hub (and every
composable text is pre-checked by tests/unit/test_replies.py).
"""

from __future__ import annotations

import inspect
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
    """The Borrower's words, traditional characters read as simplified ones ("還款日改成10號" is "还款日改成10号"), so every
    reading of them (kuanxian.dialogue.parse) sees one script; a button payload ("/affirm") is no words."""
    from kuanxian.safety.text import to_simplified

    text = (tracker.latest_message or {}).get("text") or ""
    return "" if text.startswith("/") else to_simplified(text)


def awaiting_person(tracker: Tracker) -> bool:
    """The hub says a person has been asked for and has not joined yet (the message's metadata)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return isinstance(metadata, dict) and bool(metadata.get("awaiting_person"))


def draft_on_the_table(tracker: Tracker) -> bool:
    """A plan has been offered in this negotiation and not yet agreed or dropped (the negotiation slot's draft)."""
    from kuanxian.dialogue.negotiation import State

    return bool(State.from_slot(tracker.get_slot("negotiation")).draft)


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
        """The action the words send this turn to instead (actions/reroutes.py), or None."""
        from .reroutes import Turn, reroute_target

        target = reroute_target(Turn(self.name(), text_of(tracker), tracker, context))
        return None if target is None else registry()[target]

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
