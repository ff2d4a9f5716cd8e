"""The whole supervisor as a process (`python -m kuanxian.run`, or the driver with stand-in children)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from supervisor_kit import (
    PYTHON,
    ROOT,
    Launcher,
    clean_env,
    pid_alive,
    ports_env,
    recorded_pids,
    run_key,
    wait_until,
)

READY = "Kuanxian (宽限) is running."
EXIT_REFUSED, EXIT_BUSY = 2, 3


def child_pids(state: Path, *names: str) -> list[int]:
    pids = [pid for name in names for pid in recorded_pids(state, name)]
    assert len(pids) == len(names), f"stand-ins did not all record their pid: {pids}"
    return pids


def test_children_die_when_the_supervisor_is_sigkilled(launch: Launcher, state: Path) -> None:
    supervisor = launch(ports_env())
    supervisor.wait_for(READY)
    pids = child_pids(state, "hub", "rasa", "actions")
    # Each child leads its own process group, apart from the supervisor's.
    assert all(os.getpgid(pid) == pid for pid in pids)
    assert os.getpgid(supervisor.pid) not in pids

    supervisor.send(signal.SIGKILL)
    supervisor.process.wait()

    assert wait_until(lambda: not any(pid_alive(pid) for pid in pids), timeout=5), (
        f"children outlived a SIGKILLed supervisor: {[pid for pid in pids if pid_alive(pid)]}"
    )


def test_a_lock_file_left_by_a_killed_supervisor_does_not_block_the_next_run(launch: Launcher, state: Path, home: Path) -> None:
    env = ports_env()
    first = launch(env)
    first.wait_for(READY)
    first.send(signal.SIGKILL)
    first.process.wait()
    lock_file = home / "var" / "run" / f"{run_key(env)}.lock"
    assert lock_file.exists(), "the killed supervisor's lock file is the stale file this test is about"
    assert wait_until(lambda: not any(pid_alive(p) for p in child_pids(state, "hub", "rasa", "actions")), 5)

    second = launch(env)
    second.wait_for(READY)
    assert json.loads(lock_file.read_text())["pid"] == second.pid
    second.send(signal.SIGTERM)
    assert second.wait() == 0
    assert not lock_file.exists()


def test_a_second_run_on_the_same_ports_refuses_at_once_naming_the_first(launch: Launcher) -> None:
    env = ports_env()
    first = launch(env)
    first.wait_for(READY)

    began = time.monotonic()
    second = launch(env, real=True)
    status = second.wait(timeout=15)
    elapsed = time.monotonic() - began

    assert status == EXIT_BUSY, second.output()
    message = second.stderr()
    assert "already running" in message
    assert f"pid {first.pid}" in message
    assert "started 20" in message  # the start time, e.g. "started 2025-06-01 10:00:00+08:00"
    for port in env.values():
        assert port in message
    assert elapsed < 5, f"took {elapsed:.1f} s to refuse"
    assert first.process.poll() is None, "the first run must not be disturbed"


def test_a_port_taken_by_another_program_is_named_before_anything_starts(launch: Launcher, state: Path) -> None:
    env = ports_env()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(env["KUANXIAN_RASA_PORT"])))
        squatter.listen()
        supervisor = launch(env)
        status = supervisor.wait(timeout=15)

    assert status == EXIT_BUSY, supervisor.output()
    message = supervisor.stderr()
    assert f"port {env['KUANXIAN_RASA_PORT']} (rasa" in message
    assert f"pid {os.getpid()}" in message  # this test process holds it
    assert not list(state.glob("*.pids")), "no child may start when a port is taken"


def test_endpoints_files_are_per_run_and_removed_at_exit(launch: Launcher, home: Path) -> None:
    env_a, env_b = ports_env(rasa=2), ports_env()
    run_a, run_b = launch(env_a), launch(env_b)
    run_a.wait_for(READY)
    run_b.wait_for(READY)

    dir_a = home / "var" / "run" / run_key(env_a)
    dir_b = home / "var" / "run" / run_key(env_b)
    files_a = sorted(p.name for p in dir_a.iterdir())
    assert files_a == ["endpoints-0.yml", "endpoints-1.yml"]
    assert sorted(p.name for p in dir_b.iterdir()) == ["endpoints-0.yml"]

    def action_url(path: Path) -> str:
        return str(yaml.safe_load(path.read_text())["action_endpoint"]["url"])

    actions_a = int(env_a["KUANXIAN_ACTIONS_PORT"])
    assert action_url(dir_a / "endpoints-0.yml") == f"http://127.0.0.1:{actions_a}/webhook"
    assert action_url(dir_a / "endpoints-1.yml") == f"http://127.0.0.1:{actions_a + 1}/webhook"
    assert action_url(dir_b / "endpoints-0.yml") == f"http://127.0.0.1:{env_b['KUANXIAN_ACTIONS_PORT']}/webhook"
    assert not (home / "var" / "endpoints.generated.yml").exists()

    for run in (run_a, run_b):
        run.send(signal.SIGTERM)
    assert run_a.wait() == 0 and run_b.wait() == 0
    assert not dir_a.exists() and not dir_b.exists()
    assert not list((home / "var" / "run").glob("*.lock"))


def get_json(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        seen: dict[str, str] = json.loads(response.read())
    return seen


def test_the_topology_reaches_every_hub_and_the_banner_lists_every_url(launch: Launcher) -> None:
    env = ports_env(hubs=2, rasa=2)
    supervisor = launch(env)
    supervisor.wait_for(READY)

    hub, rasa, actions = (int(env[k]) for k in ("KUANXIAN_PORT", "KUANXIAN_RASA_PORT", "KUANXIAN_ACTIONS_PORT"))
    rasa_urls = f"http://127.0.0.1:{rasa},http://127.0.0.1:{rasa + 1}"
    actions_urls = f"http://127.0.0.1:{actions},http://127.0.0.1:{actions + 1}"
    for index in range(2):
        seen = get_json(f"http://127.0.0.1:{hub + index}/env")
        assert seen["KUANXIAN_RASA_URLS"] == rasa_urls
        assert seen["KUANXIAN_ACTIONS_URLS"] == actions_urls
        assert seen["KUANXIAN_PORT"] == str(hub + index)
        assert seen["KUANXIAN_INSTANCE"] == str(index)
        assert seen["KUANXIAN_RASA_URL"] == f"http://127.0.0.1:{rasa}"
        assert seen["KUANXIAN_ACTIONS_URL"] == f"http://127.0.0.1:{actions}"

    banner = supervisor.stdout().split(READY, 1)[1]
    for port in (hub, hub + 1, rasa, rasa + 1, actions, actions + 1):
        assert f"http://127.0.0.1:{port}" in banner
    assert "/console" in banner
    # Children's output is relayed with their name.
    assert f"[hub-1] standin hub-1 listening on {hub + 1}" in supervisor.stdout()


def test_a_refusing_child_stops_the_whole_run_with_status_2(launch: Launcher, state: Path) -> None:
    refusal = "kuanxian hub: refusing to start: KUANXIAN_ENV=production refuses demo secrets"
    env = ports_env()
    env["STANDIN_ARGS"] = json.dumps({"hub": ["--exit", "2", "--linger", "0.5", "--stderr", refusal]})
    supervisor = launch(env)

    assert supervisor.wait(timeout=15) == EXIT_REFUSED, supervisor.output()
    message = supervisor.stderr()
    assert "hub refused to start" in message
    assert message.rstrip().endswith("Fix the configuration it names, then start again.")
    assert f"    {refusal}" in message  # repeated in the final message, not only relayed
    assert len(recorded_pids(state, "hub")) == 1, "a refusing child must not be restarted"
    others = child_pids(state, "rasa", "actions")
    assert not any(pid_alive(pid) for pid in others)


def test_a_bad_setting_is_refused_before_anything_starts(launch: Launcher, state: Path) -> None:
    supervisor = launch({"KUANXIAN_HUBS": "two"}, real=True)
    assert supervisor.wait(timeout=15) == EXIT_REFUSED
    assert "KUANXIAN_HUBS='two' is not a whole number" in supervisor.stderr()


def test_no_trained_model_is_a_refusal_that_releases_the_lock(launch: Launcher, home: Path) -> None:
    env = ports_env()
    supervisor = launch(env, real=True)
    assert supervisor.wait(timeout=15) == EXIT_REFUSED
    assert "no trained model" in supervisor.stderr()
    assert not (home / "var" / "run" / f"{run_key(env)}.lock").exists()
    assert not (home / "var" / "run" / run_key(env)).exists()


def hub_import_problem() -> str | None:
    """Why the real hub cannot even import its settings right now, if it cannot."""
    probe = subprocess.run(
        [PYTHON, "-c", "import kuanxian.hub.__main__"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if probe.returncode == 0:
        return None
    last = (probe.stderr.strip().splitlines() or ["(no output)"])[-1]
    return last


def test_the_real_hub_refusing_production_with_demo_secrets_stops_the_run(launch: Launcher, state: Path) -> None:
    problem = hub_import_problem()
    if problem:
        pytest.skip(f"`python -m kuanxian.hub` does not import (outside the supervisor's files): {problem}")
    env = ports_env()
    env |= {"STANDIN_REAL": json.dumps(["hub"]), "KUANXIAN_ENV": "production", "KUANXIAN_DEMO": "false"}
    supervisor = launch(env)

    assert supervisor.wait(timeout=60) == EXIT_REFUSED, supervisor.output()
    message = supervisor.stderr()
    assert "hub refused to start" in message
    assert "refusing to start" in message.split("hub refused to start", 1)[1]
    assert not any(pid_alive(pid) for pid in child_pids(state, "rasa", "actions"))


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signals are Linux-only")
def test_graceful_stop_removes_the_run_files_and_exits_0(launch: Launcher, home: Path, state: Path) -> None:
    env = ports_env()
    supervisor = launch(env)
    supervisor.wait_for(READY)
    supervisor.send(signal.SIGINT)
    assert supervisor.wait() == 0, supervisor.output()
    assert (state / "stops.log").read_text().split() == ["hub", "rasa", "actions"]
    assert not (home / "var" / "run" / run_key(env)).exists()
