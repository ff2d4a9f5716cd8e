"""After the fuzzing: nothing the hub acknowledged is lost, the database is consistent, the hub is alive.

pytest runs the modules of a directory in name order, so this one comes after test_api.py (the fuzzing)
and test_regressions.py. The invariants are in invariants.py; the acknowledged writes in the session's
Ledger (kit.py).
"""

from __future__ import annotations

import httpx
from hub.client import Database
from support.hubproc import HubProcess

from fuzz.invariants import integrity_violations, lost_writes
from fuzz.kit import REQUEST_TIMEOUT, Ledger


async def test_nothing_lost_and_the_database_is_consistent(fuzz_hub: HubProcess, ledger: Ledger) -> None:
    """Every acknowledged write is stored, every invariant holds, and the hub still answers."""
    assert fuzz_hub.alive(), f"the hub died during fuzzing; log:\n{fuzz_hub.log_tail()}"
    print(f"fuzzed responses by operation and status:\n{ledger.summary()}")
    if ledger.statuses:  # the fuzz tests ran in this session: the ledger must not be vacuous
        assert ledger.messages and ledger.borrowers, f"the fuzzer never got a message or an account accepted:\n{ledger.summary()}"
    async with httpx.AsyncClient(base_url=fuzz_hub.url, timeout=REQUEST_TIMEOUT) as http:
        live = await http.get("/api/health/live")
        assert live.status_code == 200 and live.json() == {"hub": "ok"}, live.text
    db = Database(fuzz_hub.database_url)
    try:
        lost = await lost_writes(db, ledger)
        assert not lost, "writes the hub acknowledged are missing:\n" + "\n".join(lost)
        broken = await integrity_violations(db)
        assert not broken, "database invariants broken after fuzzing:\n" + "\n".join(broken)
    finally:
        await db.close()
    log = fuzz_hub.log_tail(1_000_000)
    for sign in ("unhandled error on", "server error on", "Traceback (most recent call last)"):
        assert sign not in log, f"the hub logged {sign!r}:\n{fuzz_hub.log_tail(80)}"
