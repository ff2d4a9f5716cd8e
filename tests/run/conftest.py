"""Fixtures for the supervisor tests: a throw-away KUANXIAN_HOME and supervisors that clean up after themselves."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from supervisor_kit import (
    DRIVER,
    PYTHON,
    ROOT,
    Launcher,
    Supervisor,
    all_recorded_pids,
    clean_env,
    pid_alive,
    start,
)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A project root for one test: its own var/, the real endpoints.yml, no model."""
    root = tmp_path / "home"
    root.mkdir()
    shutil.copy(ROOT / "endpoints.yml", root / "endpoints.yml")
    return root


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """Where stand-in children record their pids and stops."""
    path = tmp_path / "state"
    path.mkdir()
    return path


@pytest.fixture
def launch(home: Path, state: Path, tmp_path: Path) -> Iterator[Launcher]:
    """Start a supervisor process: `launch(env)` runs the driver (stand-in children),
    `launch(env, real=True)` runs `python -m kuanxian.run` itself.

    At teardown every supervisor and every recorded child still alive is killed.
    """
    started: list[Supervisor] = []

    def _launch(env: dict[str, str], *, real: bool = False) -> Supervisor:
        argv = [PYTHON, "-m", "kuanxian.run"] if real else [PYTHON, str(DRIVER)]
        full_env = clean_env(KUANXIAN_HOME=str(home), STANDIN_STATE=str(state), **env)
        supervisor = start(argv, full_env, tmp_path / "logs")
        started.append(supervisor)
        return supervisor

    yield _launch
    for supervisor in started:
        supervisor.send(signal.SIGKILL)
        supervisor.process.wait()
    for pid in all_recorded_pids(state):
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
