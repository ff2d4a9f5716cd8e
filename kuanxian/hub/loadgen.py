"""Simulated Borrowers for `make soak` and `make bench-scaled`.

A Borrower sends a message, waits until something answers it (a reply, or the
honest "saved, a person will look" notice), and sends the next. Like a load
balancer without stickiness, each request may go to any hub: the Borrower's
messages rotate over the hubs, and a hub that refuses or is gone is skipped
for the next one. A failed POST is retried with the same client_id, as the
widget does. The audit then reads every conversation back.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Optional
from zoneinfo import ZoneInfo

import httpx

# The hub acknowledges a waiting conversation at most every 180 s (settings.acknowledge_every_seconds);
# a message inside that window (plus slack) is covered by the last acknowledgment.
ACK_WINDOW_SECONDS = 200.0

TEXTS = ("你好", "我现在还欠多少钱", "还款日是几号", "怎么还款", "谢谢", "会影响征信吗")
ZONES = ("Asia/Shanghai", "Europe/London", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "America/Los_Angeles")


def daytime_zone(now: Optional[datetime] = None) -> str:
    """A time zone where it is mid-day now, so contact rules let Reminders go out."""
    moment = now or datetime.now(UTC)
    return min(ZONES, key=lambda zone: abs(moment.astimezone(ZoneInfo(zone)).hour + 0.5 - 13))


def account(name: str, zone: str) -> dict[str, object]:
    return {
        "display_name": name,
        "timezone": zone,
        "currency": "CNY",
        "principal": "11200.00",
        "interest_and_fees": "800.00",
        "days_overdue": 15,
        "due_day": 15,
        "policy": {"min_installment": "300.00", "max_term_months": 24, "payment_holiday_days": 60, "interest_freeze_on_hardship": True},
    }


@dataclass
class Tally:
    """What the simulated Borrowers saw."""

    sent: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    answered_at: list[float] = field(default_factory=list)
    sessions: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def turns_per_second(self, start: float, end: float) -> float:
        inside = [t for t in self.answered_at if start <= t <= end]
        return len(inside) / max(end - start, 1e-9)

    def latency_line(self) -> str:
        ordered = sorted(self.latencies)
        if not ordered:
            return "no answers"
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"

    def error_line(self) -> str:
        total = sum(self.errors.values())
        return f"errors seen by clients: {total} ({dict(self.errors)}), each retried"


class Hubs:
    """Requests to any live hub, rotating, skipping one that is down or refusing."""

    def __init__(self, client: httpx.AsyncClient, urls: Sequence[str], tally: Tally) -> None:
        self.client = client
        self.urls = list(urls)
        self.tally = tally

    async def call(self, method: str, path: str, start: int, **kwargs: object) -> httpx.Response:
        last: Optional[BaseException] = None
        for attempt in range(len(self.urls) * 8):
            url = self.urls[(start + attempt) % len(self.urls)]
            try:
                response = await self.client.request(method, url + path, **kwargs)  # type: ignore[arg-type]
            except httpx.HTTPError as exc:
                self.tally.errors[type(exc).__name__] += 1
                last = exc
                await asyncio.sleep(0.25 if attempt < len(self.urls) else 1.0)
                continue
            if response.status_code in (429, 502, 503):
                self.tally.errors[f"HTTP {response.status_code}"] += 1
                await asyncio.sleep(min(float(response.headers.get("retry-after", "0.5")), 2.0))
                continue
            return response
        raise RuntimeError(f"no hub answered {method} {path}: {last}")


async def open_session(hubs: Hubs, admin_token: str, borrower_id: str, zone: str, index: int) -> dict[str, str]:
    """Create the account, a borrower token and a widget session; returns the auth header."""
    admin = {"Authorization": f"Bearer {admin_token}"}
    (await hubs.call("PUT", f"/api/admin/borrowers/{borrower_id}", index, json=account("压测用户", zone), headers=admin)).raise_for_status()
    token = (await hubs.call("POST", "/api/demo/borrower-token", index, json={"borrower_id": borrower_id})).json()["token"]
    session = (await hubs.call("POST", "/api/widget/sessions", index, json={"borrower_token": token})).json()
    return {"Authorization": f"Bearer {session['session_token']}"}


async def borrower(hubs: Hubs, auth: dict[str, str], index: int, until: float, tally: Tally, texts: Sequence[str] = TEXTS) -> None:
    """Talk until `until`: one message, wait for its answer, the next message (on the next hub)."""
    n = 0
    while time.monotonic() < until:
        text = texts[n % len(texts)]
        hop = index + n
        n += 1
        client_id = uuid.uuid4().hex
        start = time.monotonic()
        try:
            accepted = await hubs.call("POST", "/api/widget/messages", hop, json={"text": text, "client_id": client_id}, headers=auth)
        except RuntimeError:
            continue
        if accepted.status_code != 202:
            tally.errors[f"HTTP {accepted.status_code}"] += 1
            continue
        seq = accepted.json()["seq"]
        tally.sent += 1
        while time.monotonic() - start < 90:
            try:
                later = (await hubs.call("GET", "/api/widget/messages", hop + 1, params={"after": seq}, headers=auth)).json()["messages"]
            except (RuntimeError, ValueError, KeyError):
                later = []
            if later:
                now = time.monotonic()
                tally.latencies.append(now - start)
                tally.answered_at.append(now)
                break
            await asyncio.sleep(0.3)


@dataclass
class Audit:
    """Every accepted message read back: answered once, never lost, never doubled."""

    borrower_messages: int = 0
    lost: int = 0
    # Messages sent while a person was awaited, inside an acknowledgment's window.
    covered: int = 0
    duplicated_messages: int = 0
    doubled_answers: int = 0

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated_messages or self.doubled_answers)

    def line(self) -> str:
        return (
            f"audit: {self.borrower_messages} Borrower messages stored; lost {self.lost} "
            f"(covered by a recent acknowledgment while a person was awaited: {self.covered}), stored twice {self.duplicated_messages}, "
            f"answered twice {self.doubled_answers}"
        )


async def audit(hubs: Hubs, sessions: Sequence[tuple[str, dict[str, str]]]) -> Audit:
    """Lost: a Borrower message with no answer after it. Doubled: one client_id stored twice, or one answer stored twice."""
    result = Audit()
    for index, (_, auth) in enumerate(sessions):
        messages = (await hubs.call("GET", "/api/widget/messages", index, headers=auth)).json()["messages"]
        mine = [m for m in messages if m["sender_type"] == "borrower"]
        result.borrower_messages += len(mine)
        ids = Counter(m.get("client_id") for m in mine)
        result.duplicated_messages += sum(c - 1 for c in ids.values() if c > 1)
        answer: list[str] = []
        last_ours: Optional[datetime] = None
        for position, message in enumerate(messages):
            if message["sender_type"] == "borrower":
                following = messages[position + 1] if position + 1 < len(messages) else None
                if following is None or following["sender_type"] == "borrower":
                    # Waiting for a person, one acknowledgment covers the next few minutes (not every message).
                    at = datetime.fromisoformat(message["created_at"])
                    if last_ours is not None and (at - last_ours).total_seconds() <= ACK_WINDOW_SECONDS:
                        result.covered += 1
                    else:
                        result.lost += 1
                answer = []
                continue
            last_ours = datetime.fromisoformat(message["created_at"])
            if answer and message["text"] == answer[-1]:
                result.doubled_answers += 1
            answer.append(message["text"])
    return result
