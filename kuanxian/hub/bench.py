"""`make bench`: the same borrower turns through the hub and straight at Rasa.

Needs the product running (tools/bench.sh starts it). Prints turns/s, p50 and
p95 for both paths and the hub's overhead as a ratio (hub p50 / Rasa p50).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
import uuid
from typing import Any

import httpx
import websockets

TURNS = ["你好", "我现在还欠多少钱", "能分期吗", "每月600", "我再想想"]
ACCOUNT = {
    "display_name": "压测用户", "timezone": "Asia/Shanghai", "currency": "CNY", "principal": "11200.00",
    "interest_and_fees": "800.00", "days_overdue": 15, "due_day": 15,
    "policy": {"min_installment": "300.00", "max_term_months": 24, "payment_holiday_days": 60, "interest_freeze_on_hardship": True},
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def direct_conversation(client: httpx.AsyncClient, rasa: str, borrower_id: str) -> list[float]:
    sender = f"bench-direct-{uuid.uuid4().hex[:8]}"
    latencies = []
    for text in TURNS:
        start = time.perf_counter()
        response = await client.post(f"{rasa}/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": {"borrower_id": borrower_id}})
        response.raise_for_status()
        latencies.append(time.perf_counter() - start)
    return latencies


async def hub_conversation(client: httpx.AsyncClient, hub: str, borrower_id: str) -> list[float]:
    token = (await client.post(f"{hub}/api/demo/borrower-token", json={"borrower_id": borrower_id})).json()["token"]
    session = (await client.post(f"{hub}/api/widget/sessions", json={"borrower_token": token})).json()
    ws_url = hub.replace("http", "ws", 1) + f"/api/widget/stream?token={session['session_token']}&after=1000000"
    latencies = []
    async with websockets.connect(ws_url, max_size=2**20) as ws:
        for text in TURNS:
            start = time.perf_counter()
            response = await client.post(
                f"{hub}/api/widget/messages", json={"text": text, "client_id": uuid.uuid4().hex},
                headers={"Authorization": f"Bearer {session['session_token']}"},
            )
            response.raise_for_status()
            await _until_turn_done(ws)
            latencies.append(time.perf_counter() - start)
    return latencies


async def _until_turn_done(ws: Any) -> None:
    """A turn is done when the typing indicator goes off (after the replies)."""
    seen_on = False
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
        if frame.get("type") == "typing":
            if frame["on"]:
                seen_on = True
            elif seen_on:
                return


async def run_path(name: str, conversations: int, fn: Any, base: str, ids: list[str]) -> dict[str, float]:
    limits = httpx.Limits(max_connections=conversations * 2)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        start = time.perf_counter()
        results = await asyncio.gather(*(fn(client, base, ids[i]) for i in range(conversations)))
        elapsed = time.perf_counter() - start
    latencies = [x for r in results for x in r]
    figures = {
        "turns": len(latencies), "seconds": elapsed, "turns_per_s": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000, "p95_ms": percentile(latencies, 0.95) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
    }
    print(f"{name:>6}: {figures['turns']} turns in {elapsed:.1f} s = {figures['turns_per_s']:.2f} turns/s, "
          f"p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms", flush=True)
    return figures


async def main_async(args: argparse.Namespace) -> None:
    ids = [f"bench-{i:03d}" for i in range(args.conversations)]
    async with httpx.AsyncClient(timeout=30) as client:
        for borrower_id in ids:
            r = await client.put(f"{args.hub}/api/admin/borrowers/{borrower_id}", json=ACCOUNT,
                                 headers={"Authorization": f"Bearer {args.admin_token}"})
            r.raise_for_status()
    print(f"{args.conversations} concurrent conversations × {len(TURNS)} turns each", flush=True)
    # Warm both paths once so model and connection set-up don't count.
    await run_path("warmup", 2, direct_conversation, args.rasa, ids)
    rasa = await run_path("rasa", args.conversations, direct_conversation, args.rasa, ids)
    hub = await run_path("hub", args.conversations, hub_conversation, args.hub, ids)
    print(f"hub overhead: p50 {hub['p50_ms'] / rasa['p50_ms']:.2f}x, p95 {hub['p95_ms'] / rasa['p95_ms']:.2f}x, "
          f"throughput {rasa['turns_per_s'] / hub['turns_per_s']:.2f}x", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hub", default=f"http://127.0.0.1:{os.environ.get('KUANXIAN_PORT', '8000')}")
    parser.add_argument("--rasa", default=os.environ.get("KUANXIAN_RASA_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--admin-token", default=os.environ.get("KUANXIAN_ADMIN_TOKEN", "demo-admin-token"))
    parser.add_argument("--conversations", type=int, default=20)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
