"""A supervised hub gets longer than its own graceful drain before the supervisor SIGKILLs it, from one setting.

The hub's worst case after SIGTERM: in-flight requests (Sanic's GRACEFUL_SHUTDOWN_TIMEOUT), then
running turns (Hub.stop), then closing; both budgets come from KUANXIAN_DRAIN_SECONDS, and the
supervisor derives the hubs' SIGKILL grace from the same variable.
"""

from __future__ import annotations

import asyncio
import io
import sys
from pathlib import Path

import pytest

from kuanxian.settings import Settings
from kuanxian.shutdown import HUB_CLOSE_SECONDS
from kuanxian.supervisor.children import Child
from kuanxian.supervisor.console import Console
from kuanxian.supervisor.services import RunContext, Service, product_services
from kuanxian.supervisor.supervisor import Policy, shutdown
from kuanxian.supervisor.topology import ConfigError, Topology

ROOT = Path(__file__).resolve().parents[2]


def hub_services(env: dict[str, str], tmp_path: Path) -> list[Service]:
    ctx = RunContext(ROOT, Topology.from_env(env), tmp_path, env)
    return [s for s in product_services(ctx) if s.name.startswith("hub")]


def hub_worst_case(env: dict[str, str]) -> float:
    """What the hub itself would take at most, read from the hub's own settings and app."""
    from kuanxian.hub.app import create_app

    settings = Settings.from_env({**env, "KUANXIAN_BRAIN": "scripted"})
    app = create_app(settings)
    return float(app.config.GRACEFUL_SHUTDOWN_TIMEOUT) + settings.drain_seconds + HUB_CLOSE_SECONDS


@pytest.mark.parametrize("drain", [None, "3", "20", "90"])
def test_the_supervisor_waits_longer_than_a_hub_can_take_to_drain(drain: str | None, tmp_path: Path) -> None:
    env = {"KUANXIAN_HUBS": "2", "KUANXIAN_DATABASE_URL": "postgresql://k@db/k", "KUANXIAN_REDIS_URL": "redis://r:6379/0"}
    if drain is not None:
        env["KUANXIAN_DRAIN_SECONDS"] = drain
    hubs = hub_services(env, tmp_path)
    assert len(hubs) == 2
    worst = hub_worst_case(env)
    for hub in hubs:
        assert hub.stop_timeout is not None and hub.stop_timeout > worst, (hub.stop_timeout, worst)
        # The hub is told the same budget the grace was computed from.
        assert float(hub.env["KUANXIAN_DRAIN_SECONDS"]) == Settings.from_env(env).drain_seconds
        assert hub.env["KUANXIAN_HUBS"] == "2"


def test_a_bad_drain_budget_is_refused_by_the_supervisor_too() -> None:
    with pytest.raises(ConfigError, match="KUANXIAN_DRAIN_SECONDS"):
        Topology.from_env({"KUANXIAN_DRAIN_SECONDS": "forever"})


# A hub stand-in that needs a while to drain after SIGTERM, then exits 0.
SLOW_DRAIN = (
    "import signal, sys, time\n"
    "def stop(*_):\n"
    "    time.sleep(1.5)\n"
    "    sys.exit(0)\n"
    "signal.signal(signal.SIGTERM, stop)\n"
    "print('ready', flush=True)\n"
    "time.sleep(60)\n"
)


async def test_a_draining_hub_is_not_killed_when_other_children_would_be(tmp_path: Path) -> None:
    """The policy's 0.5 s applies to Rasa and the action servers; the hub keeps its own, longer grace."""
    (hub,) = hub_services({"KUANXIAN_DRAIN_SECONDS": "1"}, tmp_path)
    out, err = io.StringIO(), io.StringIO()
    console = Console(out, err)
    child = Child(Service(hub.name, (sys.executable, "-c", SLOW_DRAIN), (), stop_timeout=hub.stop_timeout), console)
    await child.start()
    for _ in range(300):  # until the stand-in has installed its handler
        if "ready" in out.getvalue():
            break
        await asyncio.sleep(0.05)
    await shutdown([child], Policy(stop_timeout=0.5), console)
    assert child.process is not None and child.process.returncode == 0, err.getvalue()
    assert "killed it" not in err.getvalue()
