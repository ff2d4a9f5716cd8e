"""`python -m kuanxian.run`: the whole run, from the environment to the last child stopped.

1. Read the topology (a bad setting exits 2).
2. Take the lock of this port set, `var/run/<run key>.lock` (held by another
   supervisor: exit 3 at once, naming it).
3. Check that every port is free (taken: exit 3, naming who has it).
4. Build the services in a fresh `var/run/<run key>/` (e.g. no trained model: exit 2).
5. Supervise until SIGINT, SIGTERM or SIGHUP (0), a refusal (2) or a crash loop (1).
6. Remove the run directory and the lock file.

`main(factory=...)` takes any service factory; the tests use it to run this exact
sequence with stand-in children instead of Rasa.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Mapping, Sequence

from kuanxian.supervisor.banner import banner_text, starting_text
from kuanxian.supervisor.console import Console
from kuanxian.supervisor.lock import AlreadyRunning, Holder, RunLock, holder_of_port
from kuanxian.supervisor.paths import RunPaths, project_root
from kuanxian.supervisor.ports import BusyPort, busy_ports
from kuanxian.supervisor.services import (
    Refusal,
    RunContext,
    Service,
    ServiceFactory,
    product_factory,
)
from kuanxian.supervisor.supervisor import (
    DEFAULT_POLICY,
    EXIT_BUSY,
    EXIT_REFUSED,
    Policy,
    supervise,
)
from kuanxian.supervisor.topology import ConfigError, Topology

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
PORT_VARIABLES = "KUANXIAN_PORT, KUANXIAN_RASA_PORT and KUANXIAN_ACTIONS_PORT"


def main(
    environ: Mapping[str, str] | None = None,
    *,
    factory: ServiceFactory = product_factory,
    policy: Policy = DEFAULT_POLICY,
    console: Console | None = None,
) -> int:
    """Run the whole supervisor; return the process exit status.

    `environ` (default: this process's environment) is what is read for the settings
    and what the children inherit; `factory` builds the services (the real product by default).
    Exit statuses: 0 stopped by a signal, 1 a child crash-looped or could not start,
    2 a refused configuration (ours or a child's), 3 already running or a port taken.
    """
    env = dict(os.environ) if environ is None else environ
    console = console or Console()
    try:
        topology = Topology.from_env(env)
    except ConfigError as exc:
        console.error(f"refusing to start: {exc}.")
        return EXIT_REFUSED
    paths = RunPaths.under(project_root(env), topology.key)
    lock = RunLock(paths.lock_file)
    try:
        lock.acquire(Holder.current(topology.ports_by_role()))
    except AlreadyRunning as exc:
        console.error(already_running_message(exc))
        return EXIT_BUSY
    except OSError as exc:
        console.error(f"refusing to start: cannot create the run lock {paths.lock_file}: {exc}.")
        return EXIT_REFUSED
    try:
        return _run_locked(env, topology, paths, factory, policy, console)
    finally:
        paths.remove_run_dir()
        lock.release()


def _run_locked(
    env: Mapping[str, str],
    topology: Topology,
    paths: RunPaths,
    factory: ServiceFactory,
    policy: Policy,
    console: Console,
) -> int:
    try:
        busy = busy_ports(topology.endpoints())
    except OSError as exc:
        console.error(f"refusing to start: cannot listen on KUANXIAN_HOST={topology.hub_host!r}: {exc}.")
        return EXIT_REFUSED
    if busy:
        console.error(busy_ports_message(busy, paths))
        return EXIT_BUSY
    context = RunContext(project_root(env), topology, paths.fresh_run_dir(), env)
    try:
        services = factory(context)
    except Refusal as exc:
        console.error(f"refusing to start: {exc}")
        return EXIT_REFUSED
    banner = banner_text(topology, env)
    console.text(starting_text(topology) + "\n")
    return asyncio.run(_supervise_until_signalled(services, policy, console, banner, env))


async def _supervise_until_signalled(
    services: Sequence[Service], policy: Policy, console: Console, banner: str, env: Mapping[str, str]
) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, _request_stop, stop, console, sig)
    try:
        return await supervise(services, policy=policy, stop=stop, on_ready=lambda: console.text(banner), console=console, environ=env)
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


def _request_stop(stop: asyncio.Event, console: Console, sig: signal.Signals) -> None:
    if not stop.is_set():
        console.info(f"{sig.name} received; stopping the hubs, then Rasa, then the action servers…")
        stop.set()


def already_running_message(exc: AlreadyRunning) -> str:
    if exc.holder is None:
        who = f"another supervisor holds {exc.path} (it has not written its details yet)"
        stop = "Stop it first"
    else:
        who = exc.holder.describe()
        stop = f"Stop it first (Ctrl-C in its terminal, or `kill {exc.holder.pid}`)"
    return f"Kuanxian is already running on these ports: {who}.\n  {stop}, or give this run other ports with {PORT_VARIABLES}."


def busy_ports_message(busy: Sequence[BusyPort], paths: RunPaths) -> str:
    lines = ["cannot start: a port this run needs is already in use."]
    for item in busy:
        endpoint = item.endpoint
        owner = item.owner or "a process this user cannot identify"
        line = f"  port {endpoint.port} ({endpoint.name}, {endpoint.host}) is taken by {owner}"
        holder = holder_of_port(paths.run_root, endpoint.port)
        if holder:
            line += f"; it belongs to another Kuanxian run ({holder.describe()})"
        lines.append(line + ".")
    lines.append(f"  Stop what holds them, or give this run other ports with {PORT_VARIABLES}.")
    return "\n".join(lines)
