"""`supervise(services, ...)`: keep a set of children running until told to stop.

- A child that exits with status 2 refused its configuration: the whole run stops
  with status 2, repeating the child's last error lines.
- Any other exit is a crash: the child is restarted after an exponential backoff
  (1 s, 2 s, 4 s, ... capped at 30 s). More than 5 crashes of one child within
  2 minutes is a crash loop: the whole run stops with status 1.
- On stop (or either of the above) children are stopped rank by rank (hubs, then
  Rasa, then the action servers): SIGTERM to each child's process group, SIGKILL
  after a timeout (the service's own `stop_timeout` when it has one: hubs get more
  than their drain budget, see kuanxian.shutdown; else the policy's).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kuanxian.supervisor.children import Child, describe_exit
from kuanxian.supervisor.console import Console
from kuanxian.supervisor.health import healthy
from kuanxian.supervisor.services import Service

EXIT_STOPPED = 0
EXIT_FAILED = 1
EXIT_REFUSED = 2
EXIT_BUSY = 3


@dataclass(frozen=True)
class Policy:
    """Timings and limits; tests shrink them."""

    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    crash_limit: int = 5
    crash_window: float = 120.0
    refusal_status: int = EXIT_REFUSED
    health_interval: float = 1.0
    health_probe_timeout: float = 2.0
    health_warn_after: float = 180.0
    stop_timeout: float = 10.0
    settle_timeout: float = 2.0
    tail_lines: int = 10


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Outcome:
    """Why a run ended by itself, and with which exit status."""

    status: int
    message: str


def backoff_delay(crashes: int, policy: Policy) -> float:
    """The wait before restarting after the `crashes`-th recent crash: base, 2 x base, ... up to the cap."""
    return min(policy.backoff_cap, policy.backoff_base * 2.0 ** max(crashes - 1, 0))


class CrashHistory:
    """Crash times of one child within a sliding window."""

    def __init__(self, window: float) -> None:
        self.window = window
        self._times: deque[float] = deque()

    def record(self, now: float) -> int:
        """Record a crash at `now`; return how many crashes fall within the window."""
        self._times.append(now)
        while self._times and now - self._times[0] > self.window:
            self._times.popleft()
        return len(self._times)


async def supervise(
    services: Sequence[Service],
    *,
    policy: Policy = DEFAULT_POLICY,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[], None] | None = None,
    console: Console | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run `services` until `stop` is set (0), a child refuses (2) or crash-loops (1).

    `on_ready` is called once, the first time every service is healthy. Children get
    `environ` (default: this process's environment) overlaid with their service's `env`.
    """
    console = console or Console()
    stop = stop or asyncio.Event()
    children = [Child(service, console, policy.tail_lines, environ) for service in services]
    ended: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
    tasks = [asyncio.create_task(_keep_alive(child, policy, ended)) for child in children]
    tasks.append(asyncio.create_task(_announce_when_ready(children, policy, console, on_ready)))
    stop_requested = asyncio.create_task(stop.wait())
    try:
        either: list[asyncio.Future[Any]] = [ended, stop_requested]
        await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (*tasks, stop_requested):
            task.cancel()
        await asyncio.gather(*tasks, stop_requested, return_exceptions=True)
        await shutdown(children, policy, console)
    if not ended.done():
        return EXIT_STOPPED
    outcome = ended.result()
    console.error(outcome.message)
    return outcome.status


async def shutdown(children: Sequence[Child], policy: Policy, console: Console) -> None:
    """Stop children rank by rank; each rank is gone before the next is asked to stop."""
    for rank in sorted({child.service.stop_rank for child in children}):
        group = [child for child in children if child.service.stop_rank == rank]
        running = [child.name for child in group if child.process and child.process.returncode is None]
        if running:
            console.info(f"stopping {', '.join(running)}…")
        results = await asyncio.gather(*(child.stop(stop_timeout(child.service, policy)) for child in group))
        for child, gentle in zip(group, results, strict=False):
            if not gentle:
                console.error(f"{child.name} did not stop within {stop_timeout(child.service, policy):g} s of SIGTERM; killed it.")


def stop_timeout(service: Service, policy: Policy) -> float:
    """Seconds from SIGTERM to SIGKILL for this service."""
    return service.stop_timeout if service.stop_timeout is not None else policy.stop_timeout


async def _keep_alive(child: Child, policy: Policy, ended: asyncio.Future[Outcome]) -> None:
    """Start `child`, restart it when it crashes, end the run when it refuses or crash-loops."""
    loop = asyncio.get_running_loop()
    crashes = CrashHistory(policy.crash_window)
    while True:
        try:
            await child.start()
        except OSError as exc:
            _end(ended, Outcome(EXIT_FAILED, f"could not start {child.name} ({child.service.argv[0]}): {exc}"))
            return
        status = await child.wait()
        await child.settle(policy.settle_timeout)
        if status == policy.refusal_status:
            _end(ended, _refusal(child, status))
            return
        recent = crashes.record(loop.time())
        if recent > policy.crash_limit:
            _end(ended, _crash_loop(child, status, recent, policy))
            return
        delay = backoff_delay(recent, policy)
        child.console.error(f"{child.name} exited with {describe_exit(status)}; restarting in {delay:g} s.")
        await asyncio.sleep(delay)


async def _announce_when_ready(children: Sequence[Child], policy: Policy, console: Console, on_ready: Callable[[], None] | None) -> None:
    """Call `on_ready` once all children are healthy; warn about slow ones meanwhile."""
    waits = {child.name: asyncio.create_task(_until_healthy(child, policy)) for child in children}
    try:
        _, slow = await asyncio.wait(waits.values(), timeout=policy.health_warn_after)
        for child in children:
            if waits[child.name] in slow:
                console.error(
                    f"{child.name} is not healthy after {policy.health_warn_after:g} s "
                    f"({' or '.join(child.service.health)}); still waiting. See its log lines above."
                )
        await asyncio.gather(*waits.values())
    finally:
        for task in waits.values():
            task.cancel()
    if on_ready:
        on_ready()


async def _until_healthy(child: Child, policy: Policy) -> None:
    """Return once the child's current process answers its health check."""
    while True:
        running = child.process is not None and child.process.returncode is None
        if running and await healthy(child.service.health, policy.health_probe_timeout):
            return
        await asyncio.sleep(policy.health_interval)


def _end(ended: asyncio.Future[Outcome], outcome: Outcome) -> None:
    if not ended.done():
        ended.set_result(outcome)


def _refusal(child: Child, status: int) -> Outcome:
    return Outcome(
        EXIT_REFUSED,
        f"{child.name} refused to start ({describe_exit(status)}); stopping the whole run."
        + _tail_text(child)
        + "\nFix the configuration it names, then start again.",
    )


def _crash_loop(child: Child, status: int, crashes: int, policy: Policy) -> Outcome:
    return Outcome(
        EXIT_FAILED,
        f"{child.name} crashed {crashes} times within {policy.crash_window:g} s "
        f"(last exit: {describe_exit(status)}); it is crash-looping, so the whole run stops." + _tail_text(child),
    )


def _tail_text(child: Child) -> str:
    if not child.stderr_tail:
        return f"\n  ({child.name} wrote nothing on its error output.)"
    lines = "\n".join(f"    {line}" for line in child.stderr_tail)
    return f"\n  Last lines of {child.name}'s error output:\n{lines}"
