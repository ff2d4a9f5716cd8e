"""`make bench`: the same borrower turns through the hub and straight at Rasa, interleaved.

Needs the product running (tools/bench.sh starts it). Rounds alternate the two
paths (hub, Rasa, hub, Rasa, ...) so machine drift hits both alike, and keep
going until the last three rounds agree on the overhead ratio within ±0.05 (or
the round budget runs out). Prints turns/s, p50 and p95 for both paths, the hub
overhead at p50 and p95, single-user latency, and the Rasa process's memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import websockets

TURNS = ["你好", "我现在还欠多少钱", "能分期吗", "每月600", "我再想想"]
ACCOUNT = {
    "display_name": "压测用户",
    "timezone": "Asia/Shanghai",
    "currency": "CNY",
    "principal": "11200.00",
    "interest_and_fees": "800.00",
    "days_overdue": 15,
    "due_day": 15,
    "policy": {"min_installment": "300.00", "max_term_months": 24, "payment_holiday_days": 60, "interest_freeze_on_hardship": True},
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class PathFigures:
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, latencies: list[float], seconds: float) -> None:
        self.latencies += latencies
        self.seconds += seconds

    def line(self, name: str) -> str:
        return (
            f"{name:>5}: {len(self.latencies)} turns, {len(self.latencies) / self.seconds:.2f} turns/s, "
            f"p50 {percentile(self.latencies, 0.5) * 1000:.0f} ms, p95 {percentile(self.latencies, 0.95) * 1000:.0f} ms"
        )


async def direct_conversation(client: httpx.AsyncClient, rasa: str, borrower_id: str) -> list[float]:
    sender = f"bench-direct-{uuid.uuid4().hex[:12]}"
    latencies = []
    for text in TURNS:
        start = time.perf_counter()
        response = await client.post(
            f"{rasa}/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": {"borrower_id": borrower_id}}
        )
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
                f"{hub}/api/widget/messages",
                json={"text": text, "client_id": uuid.uuid4().hex},
                headers={"Authorization": f"Bearer {session['session_token']}"},
            )
            response.raise_for_status()
            await _until_turn_done(ws)
            latencies.append(time.perf_counter() - start)
    return latencies


async def _until_turn_done(ws: Any) -> None:
    """A turn is done when the typing indicator goes off (after the replies are stored)."""
    seen_on = False
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=120))
        if frame.get("type") == "typing":
            if frame["on"]:
                seen_on = True
            elif seen_on:
                return


Runner = Callable[[httpx.AsyncClient, str, str], Awaitable[list[float]]]


async def run_round(client: httpx.AsyncClient, fn: Runner, base: str, ids: list[str]) -> tuple[list[float], float]:
    start = time.perf_counter()
    results = await asyncio.gather(*(fn(client, base, borrower_id) for borrower_id in ids))
    return [x for r in results for x in r], time.perf_counter() - start


def rasa_rss_mb(port: str) -> float | None:
    """Resident memory of the `rasa run` process serving `port` (Linux /proc)."""
    try:
        out = subprocess.run(["pgrep", "-f", f"rasa run .*--port {port}"], capture_output=True, text=True, check=False).stdout
        pids = [int(p) for p in out.split()]
        rss = 0
        for pid in pids:
            with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
        return rss / 1024 if pids else None
    except (OSError, ValueError):
        return None


async def main_async(args: argparse.Namespace) -> None:
    n = max(1, args.conversations)
    ids = [f"bench-{i:03d}" for i in range(n)]
    limits = httpx.Limits(max_connections=n * 4)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        for borrower_id in ids:
            r = await client.put(
                f"{args.hub}/api/admin/borrowers/{borrower_id}", json=ACCOUNT, headers={"Authorization": f"Bearer {args.admin_token}"}
            )
            r.raise_for_status()
        print(f"{n} concurrent conversations × {len(TURNS)} turns per round; hub and Rasa rounds interleaved", flush=True)
        await run_round(client, direct_conversation, args.rasa, ids[:1])  # warm both paths
        await run_round(client, hub_conversation, args.hub, ids[:1])
        hub, rasa = PathFigures(), PathFigures()
        ratios: list[float] = []
        for round_no in range(1, args.max_rounds + 1):
            lat, sec = await run_round(client, hub_conversation, args.hub, ids)
            hub.add(lat, sec)
            lat2, sec2 = await run_round(client, direct_conversation, args.rasa, ids)
            rasa.add(lat2, sec2)
            ratios.append(statistics.median(lat) / statistics.median(lat2))
            print(
                f"round {round_no}: hub p50 {statistics.median(lat) * 1000:.0f} ms, rasa p50 {statistics.median(lat2) * 1000:.0f} ms, "
                f"ratio {ratios[-1]:.2f}",
                flush=True,
            )
            if round_no >= args.min_rounds and max(ratios[-3:]) - min(ratios[-3:]) <= 0.10:
                break
        single_hub, _ = await run_round(client, hub_conversation, args.hub, ids[:1])
        single_rasa, _ = await run_round(client, direct_conversation, args.rasa, ids[:1])
    print(hub.line("hub"))
    print(rasa.line("rasa"))
    print(
        f"hub overhead: p50 {percentile(hub.latencies, 0.5) / percentile(rasa.latencies, 0.5):.2f}x, "
        f"p95 {percentile(hub.latencies, 0.95) / percentile(rasa.latencies, 0.95):.2f}x "
        f"(last rounds' ratios {', '.join(f'{r:.2f}' for r in ratios[-3:])})"
    )
    print(f"single user: hub p50 {statistics.median(single_hub) * 1000:.0f} ms, rasa p50 {statistics.median(single_rasa) * 1000:.0f} ms")
    rss = rasa_rss_mb(args.rasa.rsplit(":", 1)[-1])
    if rss is not None:
        print(f"Rasa RSS: {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hub", default=f"http://127.0.0.1:{os.environ.get('KUANXIAN_PORT', '8000')}")
    parser.add_argument("--rasa", default=os.environ.get("KUANXIAN_RASA_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--admin-token", default=os.environ.get("KUANXIAN_ADMIN_TOKEN", "demo-admin-token"))
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--min-rounds", type=int, default=3)
    parser.add_argument("--max-rounds", type=int, default=8)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
