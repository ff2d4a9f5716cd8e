"""What to run: the `Service` description and the real product's list of services.

`supervise()` takes any list of `Service`; `product_factory` builds the real one
(action servers, Rasa instances, hubs). Tests build their own lists with stand-in
children, or take the product's list and swap each `argv`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kuanxian.shutdown import supervisor_grace_seconds
from kuanxian.supervisor.endpoints import (
    endpoints_config,
    endpoints_path,
    load_base,
    write_endpoints,
)
from kuanxian.supervisor.topology import LOOPBACK, Topology, instance_name

MODEL = Path("models") / "kuanxian.tar.gz"
RASA_BIN = Path(".venv-rasa") / "bin"

# Shutdown order: hubs first (so they can finish turns), then Rasa, then the action servers.
STOP_HUB, STOP_RASA, STOP_ACTIONS = 0, 1, 2


class Refusal(Exception):
    """The run cannot start as configured; the message says what to do."""


@dataclass(frozen=True)
class Service:
    """One supervised child.

    `health` URLs are tried in order: the first answer decides, except a 404, which
    means "this endpoint does not exist here, try the next one".
    `env` is laid over the supervisor's own environment. Services with a lower
    `stop_rank` are stopped (and gone) before the next rank is asked to stop.
    `stop_timeout` (seconds from SIGTERM to SIGKILL) overrides the supervisor policy's
    for this service: hubs get more than their own drain budget (kuanxian.shutdown).
    """

    name: str
    argv: tuple[str, ...]
    health: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    stop_rank: int = 0
    cwd: Path | None = None
    stop_timeout: float | None = None


@dataclass(frozen=True)
class RunContext:
    """Everything a service factory may use."""

    root: Path
    topology: Topology
    run_dir: Path
    environ: Mapping[str, str]


ServiceFactory = Callable[[RunContext], list[Service]]


def product_factory(ctx: RunContext) -> list[Service]:
    """The real product: check the installation, write the endpoints files, list the services."""
    check_installation(ctx.root)
    write_endpoint_files(ctx)
    return product_services(ctx)


def check_installation(root: Path) -> None:
    if not (root / MODEL).exists():
        raise Refusal(f"no trained model at {MODEL}; run `make run` (it trains first) or `make train`.")
    for program in ("python", "rasa"):
        if not (root / RASA_BIN / program).exists():
            raise Refusal(f"{RASA_BIN / program} is missing; run `make setup` to create the Rasa environment.")


def write_endpoint_files(ctx: RunContext) -> list[Path]:
    """One endpoints file per Rasa instance, each pointing at its own action server."""
    try:
        base = load_base(ctx.root)
    except (OSError, yaml.YAMLError) as exc:
        raise Refusal(f"cannot read {ctx.root / 'endpoints.yml'}: {exc}") from exc
    return [
        write_endpoints(endpoints_path(ctx.run_dir, i), endpoints_config(base, url, ctx.environ))
        for i, url in enumerate(ctx.topology.actions_urls)
    ]


def product_services(ctx: RunContext) -> list[Service]:
    """Action servers, Rasa instances and hubs for `ctx.topology` (no side effects)."""
    return action_services(ctx) + rasa_services(ctx) + hub_services(ctx)


def _common_env(ctx: RunContext) -> dict[str, str]:
    return {"KUANXIAN_HOME": str(ctx.root), "PYTHONUNBUFFERED": "1"}


def action_services(ctx: RunContext) -> list[Service]:
    python = str(ctx.root / RASA_BIN / "python")
    count = ctx.topology.rasa_instances
    return [
        Service(
            name=instance_name("actions", i, count),
            argv=(python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)),
            health=(f"{url}/health",),
            env={**_common_env(ctx), "SANIC_HOST": LOOPBACK},
            stop_rank=STOP_ACTIONS,
            cwd=ctx.root,
        )
        for i, (port, url) in enumerate(zip(ctx.topology.actions_ports, ctx.topology.actions_urls, strict=False))
    ]


def rasa_services(ctx: RunContext) -> list[Service]:
    rasa = str(ctx.root / RASA_BIN / "rasa")
    token = ctx.environ.get("KUANXIAN_RASA_TOKEN", "").strip()
    auth = ("--auth-token", token) if token else ()
    count = ctx.topology.rasa_instances
    return [
        Service(
            name=instance_name("rasa", i, count),
            argv=(
                rasa,
                "run",
                "--enable-api",
                "--interface",
                LOOPBACK,
                "--port",
                str(port),
                "--model",
                str(ctx.root / MODEL),
                "--endpoints",
                str(endpoints_path(ctx.run_dir, i)),
                "--credentials",
                str(ctx.root / "credentials.yml"),
                *auth,
            ),
            health=(f"{url}/",),
            env=_common_env(ctx),
            stop_rank=STOP_RASA,
            cwd=ctx.root,
        )
        for i, (port, url) in enumerate(zip(ctx.topology.rasa_ports, ctx.topology.rasa_urls, strict=False))
    ]


def hub_services(ctx: RunContext) -> list[Service]:
    topology = ctx.topology
    return [
        Service(
            name=instance_name("hub", i, topology.hubs),
            argv=(sys.executable, "-m", "kuanxian.hub"),
            health=(f"{url}/api/health/live", f"{url}/api/openapi.json"),
            env={**_common_env(ctx), **hub_env(topology, i)},
            stop_rank=STOP_HUB,
            cwd=ctx.root,
            stop_timeout=supervisor_grace_seconds(topology.hub_drain_seconds),
        )
        for i, url in enumerate(topology.hub_urls)
    ]


def hub_env(topology: Topology, index: int) -> dict[str, str]:
    """What hub number `index` needs to know about the run."""
    return {
        "KUANXIAN_PORT": str(topology.hub_ports[index]),
        "KUANXIAN_INSTANCE": str(index),
        # Each hub knows it is one of several (it then refuses to run without Redis and PostgreSQL).
        "KUANXIAN_HUBS": str(topology.hubs),
        # The drain budget the supervisor's stop grace was computed from.
        "KUANXIAN_DRAIN_SECONDS": f"{topology.hub_drain_seconds:g}",
        "KUANXIAN_RASA_URLS": ",".join(topology.rasa_urls),
        "KUANXIAN_ACTIONS_URLS": ",".join(topology.actions_urls),
        # The first instance, for hubs that read only one URL.
        "KUANXIAN_RASA_URL": topology.rasa_urls[0],
        "KUANXIAN_ACTIONS_URL": topology.actions_urls[0],
    }
