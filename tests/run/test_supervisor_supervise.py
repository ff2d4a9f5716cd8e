"""`supervise(services, ...)` in this process, with stand-in children (no Rasa, no hub)."""

from __future__ import annotations

import asyncio
import io
import os
import sys
import time
from pathlib import Path

import pytest
from supervisor_kit import STANDIN, free_blocks, pid_alive, recorded_pids, wait_until

from kuanxian.supervisor.console import Console
from kuanxian.supervisor.services import Service
from kuanxian.supervisor.supervisor import Policy, supervise

FAST = Policy(
    backoff_base=0.01,
    backoff_cap=0.05,
    health_interval=0.02,
    health_probe_timeout=0.5,
    health_warn_after=20,
    stop_timeout=3,
    settle_timeout=1,
)


def standin(name: str, state: Path, *extra: str, stop_rank: int = 0) -> Service:
    (port,) = free_blocks(1)
    argv = (sys.executable, str(STANDIN), "--name", name, "--port", str(port), "--state", str(state), *extra)
    return Service(name=name, argv=argv, health=(f"http://127.0.0.1:{port}/",), stop_rank=stop_rank)


class Run:
    """`supervise()` running in a task, with captured output and a ready flag."""

    def __init__(self, services: list[Service], policy: Policy = FAST) -> None:
        self.out, self.err = io.StringIO(), io.StringIO()
        self.stop = asyncio.Event()
        self.ready = asyncio.Event()
        self.task = asyncio.create_task(
            supervise(services, policy=policy, stop=self.stop, on_ready=self.ready.set, console=Console(self.out, self.err))
        )

    async def until_ready(self, timeout: float = 10) -> None:
        waiter = asyncio.create_task(self.ready.wait())
        done, _ = await asyncio.wait([waiter, self.task], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        assert waiter in done, f"not ready\n{self.output()}"

    async def result(self, timeout: float = 10) -> int:
        return await asyncio.wait_for(self.task, timeout)

    async def stop_and_wait(self, timeout: float = 10) -> int:
        self.stop.set()
        return await self.result(timeout)

    def output(self) -> str:
        return f"--- out ---\n{self.out.getvalue()}\n--- err ---\n{self.err.getvalue()}"


async def test_a_refusal_stops_every_child_and_returns_2(state: Path) -> None:
    run = Run(
        [
            standin("hub", state, "--exit", "2", "--linger", "0.5", "--stderr", "config line 1", "--stderr", "refusing: demo secret"),
            standin("rasa", state, stop_rank=1),
        ]
    )
    assert await run.result() == 2, run.output()
    err = run.err.getvalue()
    assert "hub refused to start (status 2); stopping the whole run." in err
    assert "    config line 1\n    refusing: demo secret\n" in err
    assert len(recorded_pids(state, "hub")) == 1, "a refusal is not retried"
    (rasa,) = recorded_pids(state, "rasa")
    assert not pid_alive(rasa)


async def test_a_crashed_child_is_restarted_with_exponential_backoff(state: Path) -> None:
    run = Run([standin("rasa", state, "--crash-first", "2")])
    await run.until_ready()
    assert await run.stop_and_wait() == 0
    assert len(recorded_pids(state, "rasa")) == 3
    err = run.err.getvalue()
    assert "rasa exited with status 1; restarting in 0.01 s." in err
    assert "rasa exited with status 1; restarting in 0.02 s." in err


async def test_a_crash_looping_child_stops_the_run(state: Path) -> None:
    started = time.monotonic()
    run = Run([standin("actions", state, "--exit", "1", "--stderr", "boom"), standin("hub", state)])
    assert await run.result() == 1, run.output()
    assert time.monotonic() - started < 5
    assert len(recorded_pids(state, "actions")) == 6, "5 restarts, and the 6th crash ends the run"
    err = run.err.getvalue()
    assert "actions crashed 6 times within 120 s (last exit: status 1); it is crash-looping" in err
    assert err.rstrip().endswith("boom")
    assert not any(pid_alive(pid) for pid in recorded_pids(state, "hub"))


async def test_crashes_outside_the_window_do_not_count(state: Path) -> None:
    policy = Policy(**{**FAST.__dict__, "crash_window": 0.001, "crash_limit": 1})
    run = Run([standin("rasa", state, "--crash-first", "3")], policy)
    await run.until_ready()
    assert await run.stop_and_wait() == 0, run.output()
    assert len(recorded_pids(state, "rasa")) == 4


async def test_stop_goes_hubs_then_rasa_then_actions_and_ends_whole_groups(state: Path) -> None:
    run = Run(
        [
            standin("actions", state, "--grandchild", stop_rank=2),
            standin("hub", state, "--grandchild", stop_rank=0),
            standin("rasa", state, "--grandchild", stop_rank=1),
        ]
    )
    await run.until_ready()
    grandchildren = [pid for name in ("hub", "rasa", "actions") for pid in recorded_pids(state, name, "grandchild")]
    assert len(grandchildren) == 3 and all(pid_alive(pid) for pid in grandchildren)

    assert await run.stop_and_wait() == 0, run.output()
    assert (state / "stops.log").read_text().split() == ["hub", "rasa", "actions"]
    assert wait_until(lambda: not any(pid_alive(pid) for pid in grandchildren), 2), "a child's own children survived"
    assert "stopping hub…" in run.out.getvalue()


async def test_a_child_ignoring_sigterm_is_killed_after_the_timeout(state: Path) -> None:
    policy = Policy(**{**FAST.__dict__, "stop_timeout": 0.5})
    run = Run([standin("rasa", state, "--ignore-term")], policy)
    await run.until_ready()
    (pid,) = recorded_pids(state, "rasa")
    started = time.monotonic()
    assert await run.stop_and_wait() == 0
    assert 0.5 <= time.monotonic() - started < 3
    assert not pid_alive(pid)
    assert "rasa did not stop within 0.5 s of SIGTERM; killed it." in run.err.getvalue()


async def test_children_lead_their_own_process_group_and_their_output_is_prefixed(state: Path) -> None:
    run = Run([standin("hub", state, "--stderr", "a warning")])
    await run.until_ready()
    (pid,) = recorded_pids(state, "hub")
    assert os.getpgid(pid) == pid != os.getpgrp()
    assert await run.stop_and_wait() == 0
    assert "[hub] standin hub listening on" in run.out.getvalue()
    assert "[hub] a warning\n" in run.err.getvalue()


async def test_a_child_that_cannot_be_executed_stops_the_run(state: Path, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-rasa")
    run = Run([Service("rasa", (missing, "run"), ("http://127.0.0.1:9/",)), standin("hub", state)])
    assert await run.result() == 1
    assert f"could not start rasa ({missing})" in run.err.getvalue()
    assert not any(pid_alive(pid) for pid in recorded_pids(state, "hub"))


async def test_cancelling_supervise_still_stops_the_children(state: Path) -> None:
    run = Run([standin("hub", state)])
    await run.until_ready()
    (pid,) = recorded_pids(state, "hub")
    run.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run.task
    assert not pid_alive(pid)


async def test_the_ready_callback_waits_for_every_child(state: Path) -> None:
    run = Run([standin("hub", state), standin("rasa", state, "--crash-first", "1")])
    await run.until_ready()
    # By the time we are told the run is ready, the crashed child is back and answering.
    assert len(recorded_pids(state, "rasa")) == 2
    assert await run.stop_and_wait() == 0
