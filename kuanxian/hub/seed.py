"""Demo data for `make run`: Borrowers and the demo Collector."""

from __future__ import annotations

import asyncio

from kuanxian.accounts import AccountRepository
from kuanxian.demo import DEMO_BORROWERS, DEMO_COLLECTOR
from kuanxian.hub.auth import hash_password
from kuanxian.hub.store import HubStore


async def seed_demo(accounts: AccountRepository, store: HubStore) -> None:
    """Insert the demo Borrowers (once) and the demo Collector."""
    for borrower in DEMO_BORROWERS:
        if await accounts.get_borrower(borrower.borrower_id) is None:
            await accounts.upsert_borrower(borrower)
    username, password, display_name = DEMO_COLLECTOR
    if await store.collector_by_username(username) is None:
        await store.ensure_collector(username, display_name, await asyncio.to_thread(hash_password, password))
