"""Fixtures for the action tests (helpers live in helpers.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from helpers import repo  # noqa: E402,F401  (fixture)
