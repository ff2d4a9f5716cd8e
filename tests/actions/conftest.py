"""Fixtures for the action tests (Rasa venv): a throwaway database the actions read, a Borrower's chat.

The helpers are in actionkit.py (see its docstring).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from actionkit import NOW, Chat, Database

from actions import runtime
from kuanxian.demo import DEMO_BORROWERS


@pytest.fixture
async def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Database]:
    """A fresh SQLite database with the demo Borrowers; the actions read it, their clock shows NOW."""
    from kuanxian.storage import borrowers
    from kuanxian.storage.db import create_tables, make_engine

    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'kuanxian.db'}")
    await create_tables(engine)
    async with engine.begin() as conn:
        for borrower in DEMO_BORROWERS:  # as kuanxian.hub.seed writes them
            await borrowers.upsert_borrower(conn, borrower, NOW)
    monkeypatch.setattr(runtime, "clock", lambda: NOW)
    runtime.use_engine(engine)
    try:
        yield Database(engine)
    finally:
        runtime.use_engine(None)
        await engine.dispose()


@pytest.fixture
def chat(db: Database) -> Chat:
    """王女士 (demo-001): 12,000.00 owed, due on the 15th, holidays up to 60 days, interest freeze on hardship."""
    return Chat("demo-001")
