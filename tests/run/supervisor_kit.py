"""Helpers for the supervisor tests: free port blocks, process checks, supervisors as processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DRIVER = HERE / "driver.py"
STANDIN = HERE / "standin.py"
PYTHON = sys.executable


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_blocks(*sizes: int) -> list[int]:
    """Start ports of blocks of consecutive free ports, all distinct, e.g. free_blocks(2, 1, 1)."""
    taken: set[int] = set()
    starts = []
    for size in sizes:
        while True:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                start = sock.getsockname()[1]
            block = set(range(start, start + size))
            if start + size <= 65535 and not block & taken and all(port_free(p) for p in block):
                break
        taken |= block
        starts.append(start)
    return starts


def ports_env(hubs: int = 1, rasa: int = 1) -> dict[str, str]:
    hub_port, rasa_port, actions_port = free_blocks(hubs, rasa, rasa)
    env = {"KUANXIAN_PORT": str(hub_port), "KUANXIAN_RASA_PORT": str(rasa_port), "KUANXIAN_ACTIONS_PORT": str(actions_port)}
    if hubs != 1:
        env["KUANXIAN_HUBS"] = str(hubs)
    if rasa != 1:
        env["KUANXIAN_RASA_INSTANCES"] = str(rasa)
    return env


def run_key(env: Mapping[str, str]) -> str:
    hubs, rasa = int(env.get("KUANXIAN_HUBS", "1")), int(env.get("KUANXIAN_RASA_INSTANCES", "1"))
    parts = [(env["KUANXIAN_PORT"], hubs), (env["KUANXIAN_RASA_PORT"], rasa), (env["KUANXIAN_ACTIONS_PORT"], rasa)]
    return "-".join(f"{port}x{n}" if n > 1 else port for port, n in parts)


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any KUANXIAN_* setting, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUANXIAN_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(overrides)
    return env


def pid_alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting to be reaped counts as dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] not in "ZX"


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def recorded_pids(state: Path, name: str, kind: str = "pids") -> list[int]:
    path = state / f"{name}.{kind}"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def all_recorded_pids(state: Path) -> list[int]:
    pids = []
    for path in [*state.glob("*.pids"), *state.glob("*.grandchild")]:
        pids += [int(line) for line in path.read_text().split()]
    return pids


Launcher = Callable[..., "Supervisor"]  # the `launch` fixture: launch(env, real=False) -> Supervisor


@dataclass
class Supervisor:
    """A supervisor started by a test, its output in files."""

    process: subprocess.Popen[bytes]
    out: Path
    err: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def stdout(self) -> str:
        return self.out.read_text(errors="replace")

    def stderr(self) -> str:
        return self.err.read_text(errors="replace")

    def output(self) -> str:
        return f"--- stdout ---\n{self.stdout()}\n--- stderr ---\n{self.stderr()}"

    def wait_for(self, text: str, timeout: float = 10) -> None:
        """Wait until `text` appears on stdout; fail with the output if it does not."""
        found = wait_until(lambda: text in self.stdout() or self.process.poll() is not None, timeout)
        if not found or text not in self.stdout():
            raise AssertionError(f"{text!r} not printed (exit {self.process.poll()})\n{self.output()}")

    def wait(self, timeout: float = 10) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"supervisor still running after {timeout} s\n{self.output()}") from None

    def send(self, sig: signal.Signals) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)


def start(argv: list[str], env: Mapping[str, str], logs: Path) -> Supervisor:
    logs.mkdir(parents=True, exist_ok=True)
    index = len(list(logs.glob("*.out")))
    out, err = logs / f"{index}.out", logs / f"{index}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(argv, env=dict(env), cwd=ROOT, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
    return Supervisor(process, out, err)
