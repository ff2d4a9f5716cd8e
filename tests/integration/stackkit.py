"""Fault injection on the whole stack (support.stack): kill a process like a crash, start it again.

The stack itself is the run-wide one from support.fixtures (one start per run);
these helpers only act on its processes, by the Popen objects the stack started.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from support.services import ROOT
from support.stack import Stack, wait_healthy

RASA_BIN = ROOT / ".venv-rasa" / "bin"
MODEL = ROOT / "models" / "kuanxian.tar.gz"
ACTIONS_START = 120.0
RASA_START = 300.0  # the model loads in 30-60 s on an idle 2-core machine; much longer when it is busy


@dataclass(frozen=True)
class HubAddress:
    """What tests/hub/client.Api needs to know about the hub it talks to."""

    url: str

    @property
    def ws_url(self) -> str:
        return "ws://" + self.url.removeprefix("http://")


def _port(url: str) -> str:
    return url.rsplit(":", 1)[1]


def alive(stack: Stack, name: str) -> bool:
    process = stack.processes.get(name)
    return process is not None and process.poll() is None


def crash(stack: Stack, name: str) -> None:
    """kill -9 one of the stack's processes (it gets no chance to finish anything)."""
    process = stack.processes[name]
    if process.poll() is None:
        process.kill()
        process.wait(timeout=15)


def _spawn(stack: Stack, name: str, argv: list[str], extra_env: dict[str, str]) -> subprocess.Popen:
    with open(stack.log_dir / f"{name}.log", "ab") as log:
        return subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **stack.env, **extra_env}, stdout=log, stderr=subprocess.STDOUT)


def start_actions(stack: Stack) -> None:
    """(Re)start the action server on its port, as support.stack starts it."""
    argv = [str(RASA_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", _port(stack.actions_url)]
    stack.processes["actions"] = _spawn(stack, "actions", argv, {"SANIC_HOST": "127.0.0.1"})
    wait_healthy(f"{stack.actions_url}/health", stack.processes["actions"], stack.log_dir / "actions.log", ACTIONS_START)


def start_rasa(stack: Stack) -> None:
    """(Re)start Rasa on its port with the trained model, as support.stack starts it."""
    argv = [
        str(RASA_BIN / "rasa"),
        "run",
        "--enable-api",
        "--interface",
        "127.0.0.1",
        "--port",
        _port(stack.rasa_url),
        "--model",
        str(MODEL),
        "--endpoints",
        str(stack.log_dir / "endpoints.yml"),
        "--credentials",
        str(ROOT / "credentials.yml"),
    ]
    stack.processes["rasa"] = _spawn(stack, "rasa", argv, {})
    wait_healthy(f"{stack.rasa_url}/", stack.processes["rasa"], stack.log_dir / "rasa.log", RASA_START)


def ensure_running(stack: Stack) -> None:
    """A test that crashed a process and failed before restarting it must not take the next tests down."""
    if not alive(stack, "actions"):
        start_actions(stack)
    if not alive(stack, "rasa"):
        start_rasa(stack)
    if not alive(stack, "hub"):
        stack.start_hub()


def log_tail(stack: Stack, name: str, lines: int = 40) -> str:
    path = stack.log_dir / f"{name}.log"
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
