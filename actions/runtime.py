"""What every action shares: the guarded dispatcher, the account store, the clock."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from datetime import date, datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from kuanxian.accounts import AccountRepository, Borrower
from kuanxian.handoff import Payload, to_json_message
from kuanxian.replies import Reply
from kuanxian.safety import review_message

logger = logging.getLogger(__name__)

SAFE_FALLBACK = "抱歉，这条回复需要工作人员来处理，我已请同事查看，请稍等。"

# The clock is a module attribute so tests can move time.
clock: Callable[[], datetime] = lambda: datetime.now(tz=timezone.utc)

_repository: Optional[AccountRepository] = None


def now() -> datetime:
    """The current time from the (replaceable) module clock."""
    return clock()


async def repository() -> AccountRepository:
    """The account store, created on first use inside the running event loop."""
    global _repository
    if _repository is None:
        from kuanxian.storage import create_schema, load_account_repository, make_engine

        engine = make_engine()
        await create_schema(engine)
        _repository = load_account_repository(engine)
    return _repository


def use_repository(repo: Optional[AccountRepository]) -> None:
    """Swap the account store (tests, or a lender's own system)."""
    global _repository
    _repository = repo


def say(dispatcher: CollectingDispatcher, reply: Reply, *, action: str) -> None:
    """Send a Reply after the pressure-tactic guard; a violation is never sent."""
    parts = [reply.text] + [b.title for b in reply.buttons]
    violations = [v for part in parts for v in review_message(part).violations]
    if violations:
        logger.error(
            "blocked text from %s: rules %s", action, ",".join(sorted({v.rule_id for v in violations}))
        )
        dispatcher.utter_message(text=SAFE_FALLBACK)
        return
    buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
    if buttons:
        dispatcher.utter_message(text=reply.text, buttons=buttons)
    else:
        dispatcher.utter_message(text=reply.text)


def emit(dispatcher: CollectingDispatcher, payload: Payload) -> None:
    """Send a machine payload for the hub (handoff, reminder, payment plan)."""
    dispatcher.utter_message(json_message=to_json_message(payload))


def borrower_id_of(tracker: Tracker) -> Optional[str]:
    """The authenticated borrower: message metadata first, then the session slot."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    from_metadata = metadata.get("borrower_id") if isinstance(metadata, dict) else None
    return from_metadata or tracker.get_slot("borrower_id")


async def authenticated_borrower(tracker: Tracker) -> Optional[Borrower]:
    """The Borrower this conversation is authenticated as, if any and not flagged wrong."""
    if tracker.get_slot("wrong_person"):
        return None
    borrower_id = borrower_id_of(tracker)
    if not borrower_id:
        return None
    return await (await repository()).get_borrower(borrower_id)


def local_today(borrower: Borrower) -> date:
    return borrower.local_now(now()).date()


class KuanxianAction(Action, ABC):
    """Base class: resolves the Borrower once and hands it to `act`.

    Abstract, so the action server registers only the concrete subclasses.
    """

    needs_borrower = True

    @abstractmethod
    def name(self) -> Text:
        """The action's name in domain.yml."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        borrower = await authenticated_borrower(tracker)
        if borrower is None and self.needs_borrower:
            from kuanxian import replies

            guard = replies.wrong_person_guard() if tracker.get_slot("wrong_person") else replies.not_authenticated()
            say(dispatcher, guard, action=self.name())
            return []
        return await self.act(dispatcher, tracker, borrower)

    @abstractmethod
    async def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, borrower: Optional[Borrower]
    ) -> List[Dict[Text, Any]]:
        """Do the work for an authenticated (or, if allowed, anonymous) Borrower."""
