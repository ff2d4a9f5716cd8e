"""Run the real supervisor entry point (`kuanxian.supervisor.cli.main`) with stand-in children.

Used by the supervisor tests only. The services come from the product's own
`product_services` (so the topology, environment, health URLs and endpoints files
are the real ones); only each child's command is swapped for `standin.py`.

Environment:
  STANDIN_STATE  directory where stand-ins record their pids and stops (required)
  STANDIN_ARGS   JSON {service name: [extra standin.py arguments]}
  STANDIN_REAL   JSON [names of services to run for real, e.g. "hub"]
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from kuanxian.supervisor.cli import main
from kuanxian.supervisor.services import (
    RunContext,
    Service,
    product_services,
    write_endpoint_files,
)
from kuanxian.supervisor.supervisor import Policy

STANDIN = Path(__file__).with_name("standin.py")

FAST = Policy(
    backoff_base=0.05,
    backoff_cap=0.2,
    health_interval=0.05,
    health_probe_timeout=0.5,
    health_warn_after=20,
    stop_timeout=3,
    settle_timeout=1,
)


def standin_argv(service: Service, extra: list[str]) -> tuple[str, ...]:
    port = urlsplit(service.health[0]).port
    state = os.environ["STANDIN_STATE"]
    return (sys.executable, str(STANDIN), "--name", service.name, "--port", str(port), "--state", state, *extra)


def factory(ctx: RunContext) -> list[Service]:
    extra: dict[str, list[str]] = json.loads(os.environ.get("STANDIN_ARGS", "{}"))
    real = set(json.loads(os.environ.get("STANDIN_REAL", "[]")))
    write_endpoint_files(ctx)
    return [
        service if service.name in real else dataclasses.replace(service, argv=standin_argv(service, extra.get(service.name, [])))
        for service in product_services(ctx)
    ]


if __name__ == "__main__":
    sys.exit(main(factory=factory, policy=FAST))
