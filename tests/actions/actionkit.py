"""Driving the real actions the way the action server does, one Borrower turn at a time (helpers; fixtures in conftest.py).

Runs in the Rasa venv (`.venv-rasa/bin/python -m pytest -q -p no:cacheprovider tests/actions`).

    async def test_something(db: Database) -> None:
        chat = Chat("demo-001")
        turn = await chat.send("我想分期还", "request_installment")   # the rule's action for that intent runs
        assert turn.commands == [...]                                     # what the hub would receive
        assert "…" in turn.text                                           # what the Borrower reads

`db` is a throwaway SQLite database (kuanxian.storage's own tables, the demo
Borrowers written the way the hub's seed writes them) that the actions read
through `actions.runtime.use_engine`; the actions' clock stands still at
TODAY 10:00 in Shanghai.

`Chat` keeps the slots between turns as Rasa would (every SlotSet applies, an
extracted `hardship_type` entity fills its slot before the action runs) and
routes an intent to the action that data/rules names for it. Every turn is
checked for what must always hold: each text passes the hub's guard
(`kuanxian.safety.review_message`), and each `custom` payload is a command the
hub can parse (`kuanxian.commands.parse_command`).
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional, TypeVar

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]
ACTION_MODULES = sorted(p.stem for p in (ROOT / "actions").glob("*.py") if p.stem != "__init__")
for _module in ACTION_MODULES:  # the action server imports every module before the first turn
    with contextlib.suppress(Exception):  # a broken one: test_every_action_module_imports shows the error
        importlib.import_module(f"actions.{_module}")

from actions import runtime  # noqa: E402
from kuanxian.commands import Command, parse_command  # noqa: E402
from kuanxian.dates import Frequency  # noqa: E402
from kuanxian.demo import DEMO_BORROWERS  # noqa: E402
from kuanxian.plans import Proposal, build_schedule, evaluate  # noqa: E402
from kuanxian.safety import review_message  # noqa: E402

TODAY = date(2025, 1, 10)  # a Friday
NOW = datetime(2025, 1, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
C = TypeVar("C")


def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def rule_actions() -> dict[str, str]:
    """intent -> the action data/rules runs for it (what Rasa's RulePolicy predicts after that intent)."""
    found: dict[str, str] = {"nlu_fallback": "action_fallback"}
    for path in sorted((ROOT / "data" / "rules").glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []:
            steps = rule.get("steps") or []
            if len(steps) == 2 and "intent" in steps[0] and "action" in steps[1]:
                found[steps[0]["intent"]] = steps[1]["action"]
    return found


RULES = rule_actions()


def initial_slots() -> dict[str, Any]:
    slots = {name: spec.get("initial_value") for name, spec in (domain().get("slots") or {}).items()}
    slots["session_started_metadata"] = None
    return slots


# ---------------------------------------------------------------------------
# The database the actions read
# ---------------------------------------------------------------------------
@dataclass
class Database:
    engine: Any

    async def add_plan(self, borrower_id: str, amount: str, count: int, first: date, *, holiday_days: int = 0) -> Any:
        """An active plan, stored as the hub stores an agreed one."""
        from dataclasses import replace

        from kuanxian.storage import borrowers, plans

        async with self.engine.begin() as conn:
            borrower = await borrowers.get_borrower(conn, borrower_id)
            assert borrower is not None
            schedule = replace(
                build_schedule(borrower.balance, Decimal(amount), count, Frequency.MONTHLY, first), holiday_days=holiday_days
            )
            return await plans.save_plan(conn, borrower_id, schedule, NOW, agreed_by="assistant")

    async def add_hardship(self, borrower_id: str, category: str = "job_loss") -> None:
        """A Hardship recorded with consent, as the hub stores RecordHardship."""
        from kuanxian.domain.hardship import Hardship, HardshipCategory
        from kuanxian.storage import hardships

        async with self.engine.begin() as conn:
            await hardships.record_hardship(conn, Hardship(borrower_id, HardshipCategory.parse(category), NOW))

    async def set_flags(self, borrower_id: str, **flags: Any) -> None:
        """What the hub writes when it applies OptOut, OpenDispute, …"""
        from kuanxian.storage import borrowers

        async with self.engine.begin() as conn:
            await borrowers.update_flags(conn, borrower_id, NOW, **flags)

    async def borrower(self, borrower_id: str) -> Any:
        from kuanxian.storage import borrowers

        async with self.engine.connect() as conn:
            return await borrowers.get_borrower(conn, borrower_id)


# ---------------------------------------------------------------------------
# One turn, and a conversation of turns
# ---------------------------------------------------------------------------
@dataclass
class Turn:
    action: str
    messages: list[dict[str, Any]]
    events: list[dict[str, Any]]

    @property
    def texts(self) -> list[str]:
        """What the Borrower reads (an output with `custom` is a command, never a text: docs/commands.md)."""
        return [m["text"] for m in self.messages if not m.get("custom") and (m.get("text") or "").strip()]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [b for m in self.messages if not m.get("custom") for b in (m.get("buttons") or [])]

    @property
    def commands(self) -> list[Command]:
        return [c for c in (parse_command(m["custom"]) for m in self.messages if m.get("custom")) if c is not None]

    def of(self, kind: type[C]) -> list[C]:
        return [c for c in self.commands if isinstance(c, kind)]

    def one(self, kind: type[C]) -> C:
        found = self.of(kind)
        assert len(found) == 1, f"expected one {kind.__name__}, got {self.commands}"
        return found[0]

    @property
    def slots(self) -> dict[str, Any]:
        """The slots this turn set (the last SlotSet of a name wins, as in Rasa)."""
        return {e["name"]: e["value"] for e in self.events if e.get("event") == "slot"}


@dataclass
class Chat:
    """One Conversation with the action server: slots carry over between turns."""

    borrower_id: Optional[str]
    slots: dict[str, Any] = field(default_factory=initial_slots)
    metadata: dict[str, Any] = field(default_factory=dict)
    conversation_id: str = "c0ffee00c0ffee00c0ffee00c0ffee00"
    said: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.slots["borrower_id"] = self.borrower_id

    def message_metadata(self) -> dict[str, Any]:
        """What the hub sends with every Borrower message (docs/commands.md section 7)."""
        base: dict[str, Any] = {
            "conversation_id": self.conversation_id,
            "recent": self.said[-3:],
            "safety": "none",
            "hardship_pause_days": 7,
        }
        if self.borrower_id is not None:
            base["borrower_id"] = self.borrower_id
        return {**base, **self.metadata}

    async def send(
        self,
        text: str,
        intent: str,
        *,
        action: Optional[str] = None,
        entities: Iterable[Mapping[str, Any]] = (),
        metadata: Optional[Mapping[str, Any]] = None,
        ranking: Iterable[tuple[str, float]] = (),
    ) -> Turn:
        """The Borrower says `text`, the NLU heard `intent` (and ranked `ranking`): the rule's action (or `action`) runs."""
        name = action or RULES[intent]
        entity_list = [dict(e) for e in entities]
        for entity in entity_list:  # from_entity slot mappings fill before the action runs
            if entity.get("entity") == "hardship_type":
                self.slots["hardship_type"] = entity.get("value")
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": 0.93},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking] or [{"name": intent, "confidence": 0.93}],
            "entities": entity_list,
            "metadata": {**self.message_metadata(), **(metadata or {})},
        }
        tracker = Tracker(self.conversation_id, dict(self.slots), latest, [], False, None, {}, "action_listen")
        dispatcher = CollectingDispatcher()
        events = await runtime.registry()[name].run(dispatcher, tracker, domain_dict())
        turn = Turn(name, list(dispatcher.messages), list(events or []))
        for event in turn.events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.said.append(text)
        check_turn(turn)
        return turn


_DOMAIN: dict[str, Any] = {}


def domain_dict() -> dict[str, Any]:
    if not _DOMAIN:
        _DOMAIN.update(domain())
    return _DOMAIN


def check_turn(turn: Turn) -> None:
    """What holds for every turn: the guard lets each text through, each command parses."""
    for text in turn.texts:
        review = review_message(text)
        assert review.allowed, f"{turn.action}: the guard would block {text!r}: {review.violations}"
    for message in turn.messages:
        if message.get("custom"):
            assert parse_command(message["custom"]) is not None, f"{turn.action}: not a kuanxian command: {message['custom']}"


def hub_accepts(borrower_id: str, plan: Any, today: date = TODAY) -> bool:
    """Would the hub store this AgreePlan (kuanxian.hub.commands.plan_from_terms: the engine accepts the exact terms)?"""
    borrower = next(b for b in DEMO_BORROWERS if b.borrower_id == borrower_id)
    proposal = Proposal(amount=plan.amount, count=plan.count, frequency=plan.frequency, start=plan.first_date, hardship=plan.hardship)
    return evaluate(borrower.balance, borrower.policy, proposal, today=today).accepted


def days(n: int) -> date:
    return TODAY + timedelta(days=n)
