"""Restart safety: a hub killed or stopped mid-turn leaves no message unanswered and nothing answered twice.

One scenario per database, two hub processes: the first is killed with a turn in
flight; the second recovers it, and is then stopped gracefully with another turn
in flight, which it finishes before it exits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from support.hubproc import start_hub

from hub.client import Api, Database, Widget, utc_now

SORRY = "抱歉让您久等了。"  # the scripted brain's answer to "!slow <seconds>"


@pytest.fixture
async def db(database: str) -> AsyncIterator[Database]:
    handle = Database(database)
    yield handle
    await handle.close()


async def transcript(db: Database, cid: str) -> list[tuple[int, str, str]]:
    rows = await db.rows("SELECT seq, sender_type, text FROM messages WHERE conversation_id = :cid ORDER BY seq", cid=cid)
    return [(r["seq"], r["sender_type"], r["text"]) for r in rows]


async def test_a_turn_in_flight_survives_kill_9_and_a_graceful_stop_exactly_once(database: str, logs: Path, db: Database) -> None:
    doomed = start_hub(database, logs, name="doomed")
    try:
        async with httpx.AsyncClient(base_url=doomed.url, timeout=30) as http:
            widget = await Api(doomed, http, db).widget()
            seq = await widget.send("!slow 3", client_id="slow-killed")
            doomed.kill()  # kill -9 while the assistant is still thinking
    finally:
        doomed.kill()
    cid = widget.conversation_id
    assert await transcript(db, cid) == [(seq, "borrower", "!slow 3")], "accepted and stored, not yet answered"
    assert await db.pending_turns(cid) == 1

    # The dead hub's lease on the turn runs 90 s; let it have run out (the next hub waits for exactly that).
    assert await db.update("turns", {"conversation_id": cid, "seq": seq}, lease_until=utc_now() - timedelta(seconds=1)) == 1

    successor = start_hub(database, logs, name="successor")
    try:
        async with httpx.AsyncClient(base_url=successor.url, timeout=30) as http:
            resumed = Widget(Api(successor, http, db), widget.borrower_id, cid, widget.token)
            answers = await resumed.answers_after(seq)
            assert [(m["sender_type"], m["text"]) for m in answers] == [("bot", SORRY)], "recovered, answered once"

            retry = await resumed.post("!slow 3", client_id="slow-killed")
            assert (retry.status_code, retry.json()["seq"]) == (202, seq), "the widget's retry after the crash is the same message"
            assert [m["text"] for m in await resumed.answers_after(await resumed.send("还在吗"))] == ["收到：还在吗"]

            in_flight = await resumed.send("!slow 1", client_id="slow-stopped")
            assert await db.pending_turns(cid) == 1
    finally:
        successor.stop()  # SIGTERM: the hub drains its turns before it shuts down

    assert await transcript(db, cid) == [
        (seq, "borrower", "!slow 3"),
        (seq + 1, "bot", SORRY),
        (seq + 2, "borrower", "还在吗"),
        (seq + 3, "bot", "收到：还在吗"),
        (in_flight, "borrower", "!slow 1"),
        (in_flight + 1, "bot", SORRY),
    ]
    assert await db.pending_turns(cid) == 0
    attempts = await db.scalar("SELECT attempts FROM turns WHERE conversation_id = :cid AND seq = :seq", cid=cid, seq=seq)
    assert attempts == 2, "the killed hub's turn was taken over once"
