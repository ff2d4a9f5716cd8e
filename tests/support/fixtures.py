"""Session fixtures shared by several test directories.

Import the fixture into a directory's conftest.py (`from support.fixtures import stack`).
The running stack is a process-wide singleton, so however many conftest files
import `stack`, one session starts Rasa, the action server and the hub once.
"""

from __future__ import annotations

import atexit
from typing import Iterator, Optional

import pytest

from support.stack import Stack, start_stack

_stack: Optional[Stack] = None
_failure: Optional[BaseException] = None


def shared_stack(tmp_path_factory: pytest.TempPathFactory) -> Stack:
    """Start the whole product once per test process; later callers get the same Stack."""
    global _stack, _failure
    if _failure is not None:
        raise RuntimeError(f"the stack failed to start earlier in this session: {_failure}") from _failure
    if _stack is None:
        try:
            _stack = start_stack(tmp_path_factory.mktemp("stack"))
        except pytest.skip.Exception:
            raise
        except BaseException as exc:
            _failure = exc
            raise
        atexit.register(_stack.stop_all)
    return _stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Action server + Rasa (trained model) + hub on free loopback ports, SQLite in a temp dir."""
    global _stack
    running = shared_stack(tmp_path_factory)
    yield running
    # Session fixtures are torn down only when every test has run, so stopping here
    # never pulls the stack from under another directory's tests; stop_all is idempotent.
    running.stop_all()
    _stack = None
