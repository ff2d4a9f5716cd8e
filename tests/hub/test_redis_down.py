"""A hub whose Redis cannot be reached keeps answering Borrowers: the turn lock falls back to the hub's own lock,
with a warning in the log (not a turn left pending until Redis is back).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.hubproc import HubProcess, serve
from support.services import free_port

from hub.client import Api


@pytest.fixture(scope="module")
def hub(database: str, logs: Path) -> Iterator[HubProcess]:
    yield from serve(database, logs, name="redis-down", KUANXIAN_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")


async def test_borrowers_are_answered_while_redis_is_unreachable(api: Api) -> None:
    widget = await api.widget()
    for text in ("你好", "分6期"):
        answers = await widget.answers_after(await widget.send(text))
        assert answers and answers[0]["sender_type"] == "bot", answers
    assert await api.db.pending_turns(widget.conversation_id) == 0
    log = api.hub.log_path.read_text(encoding="utf-8", errors="replace")
    warnings = [line for line in log.splitlines() if "redis_unreachable" in line]
    assert warnings and " WARNING " in warnings[0], log[-2000:]
    assert len(warnings) == 1, "warned once for the outage, not once per turn"
