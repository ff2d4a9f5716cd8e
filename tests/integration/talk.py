"""What a Borrower does and sees through the widget, with waits long enough for a busy 2-core machine."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import date
from typing import Any, Optional

from hub.client import Api, Widget, today_shanghai

TURN = 60.0  # one assistant turn on a busy machine (Rasa + action server + hub)
# What would tell someone the account's particulars (the test accounts owe 12,000.00: 11,200.00 + 800.00).
ACCOUNT_DETAIL = re.compile(r"12,?000|11,?200|800\.00|测试借款人|逾期\d+天|每月15号|待还")
# Debt talk: money, repayment, plans.
DEBT_TALK = re.compile(r"元|还款|欠款|待还|分期|逾期|计划|金额|利息")


async def say(widget: Widget, text: str, *, timeout: float = TURN) -> list[dict[str, Any]]:
    """Send `text`; once its turn is done, what the Borrower was shown after it (up to their next message)."""
    seq = await widget.send(text)
    return await answers(widget, seq, timeout=timeout)


async def answers(widget: Widget, seq: int, *, timeout: float = TURN) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while await widget.api.db.pending_turns(widget.conversation_id) > 0:
        if time.monotonic() > deadline:
            raise AssertionError(f"the turn of message {seq} did not finish within {timeout:.0f}s")
        await asyncio.sleep(0.2)
    out = []
    for message in await widget.messages(after=seq):
        if message["sender_type"] == "borrower":
            break
        out.append(message)
    return out


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m["text"] for m in messages)


async def shown(widget: Widget, predicate: Any, what: str, *, after: int = 0, timeout: float = TURN) -> dict[str, Any]:
    """Poll the transcript until a message matching `predicate` appears."""
    deadline = time.monotonic() + timeout
    while True:
        found = next((m for m in await widget.messages(after=after) if predicate(m)), None)
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; transcript: {await widget.messages()}")
        await asyncio.sleep(0.2)


async def queued(api: Api, widget: Widget, *, timeout: float = TURN) -> dict[str, Any]:
    """The console queue's entry for this Conversation (as a collector logged in as demo sees it)."""
    demo = await api.console("demo")
    deadline = time.monotonic() + timeout
    while True:
        entry: Optional[dict[str, Any]] = await demo.queued(widget.conversation_id)
        if entry is not None:
            return entry
        if time.monotonic() > deadline:
            raise AssertionError(f"{widget.conversation_id} never reached the console queue")
        await asyncio.sleep(0.2)


async def active_plan(api: Api, borrower_id: str) -> Optional[dict[str, Any]]:
    plans = [p for p in (await api.account_of(borrower_id))["plans"] if p["status"] == "active"]
    assert len(plans) <= 1, plans
    return plans[0] if plans else None


def zh_date(iso: str) -> str:
    """How the replies write a date: 2月10日（周一）, with the year when it is not this year."""
    from kuanxian.replies.common import format_date_with_year

    return format_date_with_year(date.fromisoformat(iso), today_shanghai())
