"""The real product for integration tests: action server, Rasa and the hub as processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from support.services import ROOT, free_port, missing_service


@dataclass
class Stack:
    hub_url: str
    rasa_url: str
    actions_url: str
    database_url: str
    log_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def start_hub(self, **extra_env: str) -> None:
        """(Re)start the hub alone, e.g. to prove state survives a restart."""
        self.stop("hub")
        port = self.hub_url.rsplit(":", 1)[1]
        self.processes["hub"] = _spawn(
            "hub", [sys.executable, "-m", "kuanxian.hub"], {**self.env, "KUANXIAN_PORT": port, **extra_env}, self.log_dir
        )
        wait_healthy(f"{self.hub_url}/api/openapi.json", self.processes["hub"], self.log_dir / "hub.log", 60)


def _spawn(name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> subprocess.Popen:
    with open(log_dir / f"{name}.log", "ab") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    """Until `url` answers 200; fail at once (with the log's tail) if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: exited with {process.returncode}; log {log}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} not healthy after {timeout:.0f}s; log {log}:\n{log.read_text(errors='replace')[-3000:]}")


def start_stack(log_dir: Path, *, database_url: Optional[str] = None, with_rasa: bool = True) -> Stack:
    """Start what the tests need on free loopback ports; SQLite in `log_dir` by default."""
    model = ROOT / "models" / "kuanxian.tar.gz"
    rasa_bin = ROOT / ".venv-rasa" / "bin"
    if with_rasa and not model.exists():
        missing_service("no trained model at models/kuanxian.tar.gz (run `make train`)")
    if with_rasa and not (rasa_bin / "rasa").exists():
        missing_service("the Rasa venv .venv-rasa is missing (run `make setup`)")
    log_dir.mkdir(parents=True, exist_ok=True)
    db = database_url or f"sqlite+aiosqlite:///{log_dir / 'kuanxian.db'}"
    hub_port, rasa_port, actions_port = free_port(), free_port(), free_port()
    env = {
        "KUANXIAN_HOME": str(ROOT),
        "KUANXIAN_DATABASE_URL": db,
        "KUANXIAN_RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "KUANXIAN_ACTIONS_URL": f"http://127.0.0.1:{actions_port}",
        "KUANXIAN_SCHEDULER_INTERVAL": "1",
        "PYTHONUNBUFFERED": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    stack = Stack(f"http://127.0.0.1:{hub_port}", env["KUANXIAN_RASA_URL"], env["KUANXIAN_ACTIONS_URL"], db, log_dir, env=env)
    try:
        endpoints = log_dir / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n', encoding="utf-8")
        if with_rasa:
            stack.processes["actions"] = _spawn(
                "actions",
                [str(rasa_bin / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", str(actions_port)],
                {**env, "SANIC_HOST": "127.0.0.1"},
                log_dir,
            )
            stack.processes["rasa"] = _spawn(
                "rasa",
                [
                    str(rasa_bin / "rasa"),
                    "run",
                    "--enable-api",
                    "--interface",
                    "127.0.0.1",
                    "--port",
                    str(rasa_port),
                    "--model",
                    str(model),
                    "--endpoints",
                    str(endpoints),
                    "--credentials",
                    str(ROOT / "credentials.yml"),
                ],
                env,
                log_dir,
            )
        stack.start_hub()
        if with_rasa:
            wait_healthy(f"{stack.actions_url}/health", stack.processes["actions"], log_dir / "actions.log", 120)
            wait_healthy(f"{stack.rasa_url}/", stack.processes["rasa"], log_dir / "rasa.log", 240)
    except Exception:
        stack.stop_all()
        raise
    return stack
