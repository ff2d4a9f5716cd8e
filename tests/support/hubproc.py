"""The hub as a real process for API tests, and the database under it.

    with hub_database("postgresql", tmp_dir) as url:      # or "sqlite"
        hub = start_hub(url, tmp_dir, KUANXIAN_DEMO="false")
        ...                                                  # talk HTTP / WebSocket to hub.url
        hub.stop()                                           # or hub.kill() for a kill -9

Every hub runs `python -m kuanxian.hub` with the scripted brain on a free
loopback port; start_hub returns once `GET /api/health/live` answers. Inherited
KUANXIAN_* variables are dropped so a developer's shell never leaks into a test.
A missing PostgreSQL skips the test (fails under CI=true, see missing_service).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from support.services import ROOT, free_port, missing_service, port_open

POSTGRES_ADMIN_URL = os.environ.get("KUANXIAN_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1/test")
START_TIMEOUT = 60.0
KINDS = ("sqlite", "postgresql")
STOPPED = "Server Stopped"  # Sanic logs it after the hub's own shutdown (drain, close) has run
_lingering: list[HubProcess] = []


@dataclass
class HubProcess:
    url: str
    port: int
    database_url: str
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def ws_url(self) -> str:
        return "ws://" + self.url.removeprefix("http://")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        """A graceful stop (SIGTERM): returns once the server has shut down (turns drained, connections closed).

        The interpreter may still be finishing a start-up warm-up thread; it exits on its own and
        reap_lingering() collects it at the end of the run. A hub that never shuts down is killed.
        """
        if not self.alive():
            return
        offset = self.log_path.stat().st_size
        self.process.terminate()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return
            if STOPPED in self._log_since(offset):
                _lingering.append(self)
                return
            time.sleep(0.05)
        self.process.kill()
        self.process.wait(timeout=10)
        raise RuntimeError(f"the hub did not shut down within {timeout:.0f}s of SIGTERM; log:\n{self.log_tail()}")

    def _log_since(self, offset: int) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", errors="replace")

    def kill(self) -> None:
        """kill -9: no drain, no clean-up, whatever was in flight is lost in this process."""
        if self.alive():
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def reap_lingering(timeout: float = 30.0) -> None:
    """Wait for stopped hubs to finish exiting (kill any that don't)."""
    while _lingering:
        hub = _lingering.pop()
        try:
            hub.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            hub.process.kill()
            hub.process.wait(timeout=10)


def _environment(database_url: str, port: int, overrides: dict[str, Optional[str]]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUANXIAN_")}
    env.update(
        {
            "KUANXIAN_HOME": str(ROOT),
            "KUANXIAN_BRAIN": "scripted",
            "KUANXIAN_HOST": "127.0.0.1",
            "KUANXIAN_PORT": str(port),
            "KUANXIAN_DATABASE_URL": database_url,
            "KUANXIAN_SCHEDULER_INTERVAL": "0.5",
            "PYTHONUNBUFFERED": "1",
        }
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def start_hub(database_url: str, log_dir: Path, *, name: str = "hub", **overrides: Optional[str]) -> HubProcess:
    """Start a hub on `database_url` and wait until it answers; `overrides` are KUANXIAN_* settings (None unsets)."""
    port = free_port()
    env = _environment(database_url, port, overrides)
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}-{port}.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "kuanxian.hub"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    hub = HubProcess(f"http://127.0.0.1:{port}", port, database_url, env, log_path, process)
    try:
        _wait_live(hub)
    except BaseException:
        hub.kill()
        raise
    return hub


def serve(database_url: str, log_dir: Path, *, name: str = "hub", **overrides: Optional[str]) -> Iterator[HubProcess]:
    """A hub for the span of a fixture: `yield from serve(url, logs)` starts it, and stops it afterwards."""
    hub = start_hub(database_url, log_dir, name=name, **overrides)
    try:
        yield hub
    finally:
        hub.stop()


def _wait_live(hub: HubProcess) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if not hub.alive():
            raise RuntimeError(f"the hub exited with {hub.process.returncode} before answering; log:\n{hub.log_tail()}")
        try:
            with urllib.request.urlopen(f"{hub.url}/api/health/live", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the hub did not answer within {START_TIMEOUT:.0f}s; log:\n{hub.log_tail()}")


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine to completion on its own loop in a thread (safe whether or not a loop is running here)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coro)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="hubproc-db")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _postgres_base() -> str:
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0]


async def _admin_execute(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this run (dropped afterwards); its plain postgresql:// URL."""
    if not port_open("127.0.0.1", 5432):
        missing_service("PostgreSQL is not listening on 127.0.0.1:5432")
    name = f"kuanxian_hub_{uuid.uuid4().hex[:12]}"
    try:
        _run(_admin_execute(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        missing_service(f"cannot create a database through {POSTGRES_ADMIN_URL}: {exc}")
    try:
        yield f"{_postgres_base()}/{name}"
    finally:
        _run(_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def hub_database(kind: str, directory: Path) -> Iterator[str]:
    """A fresh, empty database of `kind` ("sqlite" file in `directory`, or "postgresql")."""
    if kind == "sqlite":
        directory.mkdir(parents=True, exist_ok=True)
        yield f"sqlite+aiosqlite:///{directory.resolve() / f'hub-{uuid.uuid4().hex[:8]}.db'}"
        return
    if kind == "postgresql":
        with postgres_database() as url:
            yield url
        return
    raise ValueError(f"unknown database kind {kind!r}; one of {KINDS}")


def redis_or_missing(host: str = "127.0.0.1", port: int = 6379) -> str:
    """The Redis URL for tests that scale out, or a skip (a failure under CI=true)."""
    if not port_open(host, port):
        missing_service(f"Redis is not listening on {host}:{port}")
    return f"redis://{host}:{port}/0"
