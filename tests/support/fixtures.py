"""The session-wide stack and the database fixtures, importable from any test directory.

    from support.fixtures import stack, database_url   # in a directory's conftest.py

The stack (action server + Rasa + hub) is a process-wide singleton: however many
conftest files import `stack`, one run starts it once and stops it at the end.

`support.databases` and `support.stack` do `from conftest import ...`, meaning the
root tests/conftest.py. pytest re-binds the module name `conftest` whenever it
loads a conftest that is not inside a package, so they are imported here against
the root conftest loaded under a private name (the same name tests/hub/kit.py uses,
so both share one copy).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Optional

import pytest

TESTS = Path(__file__).resolve().parents[1]
ROOT_CONFTEST_NAME = "kuanxian_tests_root_conftest"


def _root_conftest() -> ModuleType:
    if ROOT_CONFTEST_NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(ROOT_CONFTEST_NAME, TESTS / "conftest.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[ROOT_CONFTEST_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[ROOT_CONFTEST_NAME]


_root = _root_conftest()
missing_service: Callable[[str], None] = _root.missing_service
free_port: Callable[[], int] = _root.free_port
port_open: Callable[[str, int], bool] = _root.port_open


def _import_support() -> tuple[ModuleType, ModuleType]:
    saved = sys.modules.get("conftest")
    sys.modules["conftest"] = _root
    try:
        import support.databases as databases_module
        import support.stack as stack_module
    finally:
        if saved is None:
            sys.modules.pop("conftest", None)
        else:
            sys.modules["conftest"] = saved
    return databases_module, stack_module


databases, stack_support = _import_support()
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
