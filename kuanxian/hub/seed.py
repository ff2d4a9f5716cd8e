"""Demo data for `make run`: Borrowers and the demo console users (collector, lead, trainer)."""

from __future__ import annotations

import asyncio

from kuanxian.demo import DEMO_BORROWERS, DEMO_USERS
from kuanxian.hub.auth import hash_password
from kuanxian.hub.tx import Transactions
from kuanxian.storage import borrowers as borrower_store
from kuanxian.storage import collectors as collector_store


async def seed_demo(transactions: Transactions) -> None:
    """Insert the demo Borrowers and console users once (later runs keep what changed)."""
    hashes = [await asyncio.to_thread(hash_password, password) for _, password, _, _ in DEMO_USERS]
    async with transactions() as tx:
        for borrower in DEMO_BORROWERS:
            if await borrower_store.get_borrower(tx.conn, borrower.borrower_id) is None:
                await borrower_store.upsert_borrower(tx.conn, borrower, tx.now)
        for (username, _, display_name, role), password_hash in zip(DEMO_USERS, hashes, strict=False):
            await collector_store.ensure(tx.conn, username, display_name, password_hash, role, tx.now, demo=True)
