"""Shared test plumbing. Imported by both venvs, so only the standard library and pytest."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the `support` helpers

from support.services import free_port, missing_service, port_open  # noqa: E402,F401


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("KUANXIAN_HOME", str(ROOT))
