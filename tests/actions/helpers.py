"""Action tests: real trackers, a CollectingDispatcher and a real SQLite database."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, AsyncIterator, Optional

import pytest

rasa_sdk = pytest.importorskip("rasa_sdk", reason="action tests run in .venv-rasa (make test does this)")

from rasa_sdk import Tracker  # noqa: E402
from rasa_sdk.executor import CollectingDispatcher  # noqa: E402

from actions import runtime  # noqa: E402
from kuanxian.demo import DEMO_BORROWERS  # noqa: E402
from kuanxian.storage import SqlAccountRepository, create_schema, make_engine  # noqa: E402

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[SqlAccountRepository]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'actions.db'}")
    await create_schema(engine)
    repository = SqlAccountRepository(engine)
    for borrower in DEMO_BORROWERS:
        await repository.upsert_borrower(borrower)
    runtime.use_repository(repository)
    original = runtime.clock
    runtime.clock = lambda: NOW
    yield repository
    runtime.clock = original
    runtime.use_repository(None)
    await engine.dispose()


def tracker(
    text: str = "",
    *,
    intent: str = "greet",
    borrower_id: Optional[str] = "demo-001",
    slots: Optional[dict[str, Any]] = None,
    entities: Optional[list[dict[str, Any]]] = None,
) -> Tracker:
    metadata = {"borrower_id": borrower_id} if borrower_id else {}
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or [], "metadata": metadata}
    return Tracker(
        sender_id="conv-1",
        slots={"borrower_id": borrower_id, **(slots or {})},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    return dispatcher.messages, events


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["custom"]["kuanxian"] for m in messages if m.get("custom")]


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
