"""The session-wide stack and the database fixtures, importable from any test directory.

    from support.fixtures import stack, database_url   # in a directory's conftest.py

The stack (action server + Rasa + hub) is a process-wide singleton: however many
conftest files import `stack`, one run starts it once and stops it at the end.
"""

from __future__ import annotations

from typing import Any, Optional

import pytest

from support import databases
from support import stack as stack_support
from support.services import free_port, missing_service, port_open  # noqa: F401 - re-exported

Stack = stack_support.Stack
database_url = databases.database_url  # fixture: each storage test on SQLite and PostgreSQL
postgres_database = databases.postgres_database

_stack: Optional[Any] = None
_stack_failure: Optional[tuple[str, str]] = None


def shared_stack(request: pytest.FixtureRequest) -> Any:
    """Start action server + Rasa + hub once per run; later callers get the same Stack."""
    global _stack, _stack_failure
    if _stack_failure is not None:
        kind, message = _stack_failure
        if kind == "skip":
            pytest.skip(message)
        pytest.fail(f"the stack failed to start earlier in this run: {message}", pytrace=False)
    if _stack is None:
        log_dir = request.getfixturevalue("tmp_path_factory").mktemp("stack")
        try:
            _stack = stack_support.start_stack(log_dir)
        except pytest.skip.Exception as exc:
            _stack_failure = ("skip", str(exc))
            raise
        except BaseException as exc:
            _stack_failure = ("fail", f"{type(exc).__name__}: {exc}")
            raise
        request.config.add_cleanup(_stack.stop_all)
    hub = _stack.processes.get("hub")
    if hub is None or hub.poll() is not None:  # a restart test left the hub down: bring it back
        _stack.start_hub()
    return _stack


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest) -> Any:
    """Action server + Rasa (trained model) + hub on free loopback ports with a temp SQLite."""
    return shared_stack(request)
