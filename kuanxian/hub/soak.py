"""`make soak`: 200 concurrent conversations for 2 minutes through the hub; count lost and duplicated messages.

Each simulated Borrower sends a message, waits for the answer on the REST
replay endpoint, and sends the next; a failed POST is retried with the same
client_id (as the widget does). At the end every accepted message is checked:
lost = no answer or notice stored for it; duplicated = the message stored
twice, or answered twice. Both must be 0 whatever the error rate.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

TEXTS = ["你好", "我现在还欠多少钱", "还款日是几号", "怎么还款", "谢谢", "会影响征信吗"]
ACCOUNT = {
    "display_name": "浸泡测试", "timezone": "Asia/Shanghai", "currency": "CNY", "principal": "11200.00",
    "interest_and_fees": "800.00", "days_overdue": 15, "due_day": 15,
    "policy": {"min_installment": "300.00", "max_term_months": 24, "payment_holiday_days": 60, "interest_freeze_on_hardship": True},
}


@dataclass
class Tally:
    sent: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    sessions: list[tuple[str, dict[str, str]]] = field(default_factory=list)


async def borrower(client: httpx.AsyncClient, hub: str, admin: str, index: int, until: float, tally: Tally) -> None:
    borrower_id = f"soak-{index:04d}-{uuid.uuid4().hex[:6]}"
    await client.put(f"{hub}/api/admin/borrowers/{borrower_id}", json=ACCOUNT, headers={"Authorization": f"Bearer {admin}"})
    token = (await client.post(f"{hub}/api/demo/borrower-token", json={"borrower_id": borrower_id})).json()["token"]
    session = (await client.post(f"{hub}/api/widget/sessions", json={"borrower_token": token})).json()
    auth = {"Authorization": f"Bearer {session['session_token']}"}
    tally.sessions.append((borrower_id, auth))
    n = 0
    while time.monotonic() < until:
        text = TEXTS[n % len(TEXTS)]
        n += 1
        client_id = uuid.uuid4().hex
        start = time.monotonic()
        seq = None
        for _ in range(5):  # retries of one message reuse its client_id
            try:
                r = await client.post(f"{hub}/api/widget/messages", json={"text": text, "client_id": client_id}, headers=auth)
            except httpx.HTTPError as exc:
                tally.errors[type(exc).__name__] += 1
                await asyncio.sleep(0.5)
                continue
            if r.status_code == 202:
                seq = r.json()["seq"]
                break
            tally.errors[f"HTTP {r.status_code}"] += 1
            await asyncio.sleep(float(r.headers.get("retry-after", "0.5")))
        if seq is None:
            continue
        tally.sent += 1
        while time.monotonic() - start < 60:
            try:
                later = (await client.get(f"{hub}/api/widget/messages", params={"after": seq}, headers=auth)).json()["messages"]
            except (httpx.HTTPError, ValueError, KeyError):
                later = []
            if later:
                tally.latencies.append(time.monotonic() - start)
                break
            await asyncio.sleep(0.3)


async def audit(client: httpx.AsyncClient, hub: str, tally: Tally) -> tuple[int, int]:
    """(lost, duplicated) over every accepted message."""
    lost = duplicated = 0
    for _, auth in tally.sessions:
        messages: list[dict[str, Any]] = (await client.get(f"{hub}/api/widget/messages", headers=auth)).json()["messages"]
        mine = [m for m in messages if m["sender_type"] == "borrower"]
        ids = Counter(m.get("client_id") for m in mine)
        duplicated += sum(c - 1 for c in ids.values() if c > 1)
        for i, m in enumerate(messages):
            if m["sender_type"] != "borrower":
                continue
            nxt = messages[i + 1] if i + 1 < len(messages) else None
            if nxt is None or nxt["sender_type"] == "borrower":
                lost += 1
    return lost, duplicated


async def main_async(args: argparse.Namespace) -> None:
    tally = Tally()
    limits = httpx.Limits(max_connections=args.conversations * 2, max_keepalive_connections=args.conversations)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        until = time.monotonic() + args.seconds
        await asyncio.gather(*(borrower(client, args.hub, args.admin_token, i, until, tally) for i in range(args.conversations)))
        await asyncio.sleep(3)
        lost, duplicated = await audit(client, args.hub, tally)
    lat = sorted(tally.latencies)
    p50 = statistics.median(lat) if lat else float("nan")
    p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else float("nan")
    total_errors = sum(tally.errors.values())
    print(f"soak: {args.conversations} conversations for {args.seconds:.0f} s: {tally.sent} messages accepted, "
          f"{len(lat)} answered in time; p50 {p50:.2f} s, p95 {p95:.2f} s")
    print(f"errors: {total_errors} ({dict(tally.errors)}); error rate {total_errors / max(1, tally.sent + total_errors):.1%}")
    print(f"lost: {lost}; duplicated: {duplicated}")
    if lost or duplicated:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", default="http://127.0.0.1:8000")
    parser.add_argument("--admin-token", default="demo-admin-token")
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=120)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
