"""The shared database, on SQLite and on PostgreSQL: accounts with exact money, messages, queue, claims."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import AsyncIterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from kuanxian.accounts import Borrower, Hardship
from kuanxian.dates import Frequency
from kuanxian.hub.store import HubStore, NewMessage
from kuanxian.plans import Policy, build_schedule
from kuanxian.storage import SqlAccountRepository, create_schema, make_engine

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    await create_schema(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def accounts(engine: AsyncEngine) -> SqlAccountRepository:
    return SqlAccountRepository(engine)


@pytest.fixture
def store(engine: AsyncEngine) -> HubStore:
    return HubStore(engine)


def make_borrower(borrower_id: str, principal: str = "9999999.99", fees: str = "0.07", **changes: object) -> Borrower:
    values: dict[str, object] = dict(
        borrower_id=borrower_id, display_name="王女士", timezone="Asia/Shanghai", currency="CNY",
        principal=Decimal(principal), interest_and_fees=Decimal(fees), days_overdue=15, due_day=15,
        policy=Policy(
            min_installment=Decimal("300.00"), max_term_months=24,
            allowed_frequencies=frozenset({Frequency.MONTHLY, Frequency.BIWEEKLY}),
            payment_holiday_days=60, interest_freeze_on_hardship=True,
        ),
    )
    values.update(changes)
    return Borrower(**values)  # type: ignore[arg-type]


async def conversation_for(accounts: SqlAccountRepository, store: HubStore, borrower_id: str) -> str:
    await accounts.upsert_borrower(make_borrower(borrower_id))
    return (await store.open_conversation(borrower_id)).conversation_id


# Accounts ----------------------------------------------------------------------------
async def test_account_round_trip_keeps_money_exact_and_flags_across_updates(accounts: SqlAccountRepository) -> None:
    assert await accounts.get_borrower("nobody") is None
    original = make_borrower("acc-1")
    await accounts.upsert_borrower(original)

    stored = await accounts.get_borrower("acc-1")
    assert stored == original
    assert (str(stored.principal), str(stored.interest_and_fees), str(stored.balance)) == ("9999999.99", "0.07", "10000000.06")
    assert str(stored.policy.min_installment) == "300.00"
    assert stored.policy.allowed_frequencies == frozenset({Frequency.MONTHLY, Frequency.BIWEEKLY})

    pause = datetime(2030, 3, 1, 9, 30, tzinfo=SHANGHAI)
    await accounts.update_flags("acc-1", crisis_pause_until=pause, opted_out=True)
    flagged = await accounts.get_borrower("acc-1")
    assert flagged.flags.crisis_pause_until == pause and flagged.flags.crisis_pause_until.utcoffset() == timedelta(0)
    assert flagged.flags.opted_out and not flagged.flags.dispute_open

    # The lender re-sends the account with new figures: figures change, what the borrower told us stays.
    await accounts.upsert_borrower(make_borrower("acc-1", principal="0.01", fees="1234.56", days_overdue=40))
    updated = await accounts.get_borrower("acc-1")
    assert (str(updated.principal), str(updated.balance), updated.days_overdue) == ("0.01", "1234.57", 40)
    assert updated.flags.opted_out and updated.flags.crisis_pause_until == pause

    with pytest.raises(ValueError):
        await accounts.update_flags("acc-1", shouting_allowed=True)
    with pytest.raises((ValueError, StatementError), match="naive datetime refused"):
        await accounts.update_flags("acc-1", crisis_pause_until=datetime(2030, 3, 1))


async def test_hardship_and_payment_plans_round_trip_to_the_fen(accounts: SqlAccountRepository) -> None:
    await accounts.upsert_borrower(make_borrower("acc-2", principal="11200.00", fees="800.00"))
    recorded_at = datetime(2030, 1, 2, 3, 4, 5, 600000, tzinfo=timezone.utc)
    await accounts.record_hardship(Hardship("acc-2", "job_loss", recorded_at, "conv-9"))
    [hardship] = await accounts.list_hardships("acc-2")
    assert (hardship.category, hardship.conversation_id, hardship.recorded_at) == ("job_loss", "conv-9", recorded_at)

    # 12,000.00 in 7 monthly installments of 1,714.29: the last takes the remainder, 1,714.26.
    first = build_schedule(Decimal("12000.00"), Decimal("1714.29"), 7, Frequency.MONTHLY, date(2030, 1, 31))
    first_id = await accounts.save_payment_plan("acc-2", first, conversation_id="conv-9")
    [plan] = await accounts.list_payment_plans("acc-2")
    assert plan.plan_id == first_id and plan.status == "active" and plan.conversation_id == "conv-9"
    assert plan.schedule.installments == first.installments
    assert [str(i.amount) for i in plan.schedule.installments] == ["1714.29"] * 6 + ["1714.26"]
    assert sum(i.amount for i in plan.schedule.installments) == Decimal("12000.00")
    assert [i.due for i in plan.schedule.installments][:3] == [date(2030, 1, 31), date(2030, 2, 28), date(2030, 3, 31)]
    assert str(plan.schedule.total) == "12000.00"

    second = build_schedule(Decimal("12000.00"), Decimal("500.00"), 24, Frequency.BIWEEKLY, date(2030, 2, 1))
    second_id = await accounts.save_payment_plan("acc-2", second)
    plans = {p.plan_id: p for p in await accounts.list_payment_plans("acc-2")}
    assert plans[first_id].status == "superseded" and plans[second_id].status == "active"
    assert plans[second_id].schedule.frequency is Frequency.BIWEEKLY and plans[second_id].schedule.count == 24


# Messages ------------------------------------------------------------------------
async def test_appends_get_consecutive_seqs_and_client_id_makes_a_retry_idempotent(
    accounts: SqlAccountRepository, store: HubStore
) -> None:
    cid = await conversation_for(accounts, store, "msg-1")
    assert (await store.open_conversation("msg-1")).conversation_id == cid  # the open one is reused

    seqs = [(await store.append(cid, NewMessage("borrower", f"第{i}条")))[0].seq for i in range(3)]
    assert seqs == [1, 2, 3]
    first, created = await store.append(cid, NewMessage("borrower", "我想分期", client_id="c-1"))
    again, created_again = await store.append(cid, NewMessage("borrower", "重发的内容", client_id="c-1"))
    assert (first.seq, created, created_again) == (4, True, False)
    assert again.seq == 4 and again.text == "我想分期"
    await store.append(cid, NewMessage("collector", "内部备注", internal=True))
    await store.append(cid, NewMessage("bot", "好的", buttons=[{"title": "确认", "payload": "/affirm"}]))

    visible = await store.messages_after(cid, 0)
    assert [m.seq for m in visible] == [1, 2, 3, 4, 6]
    assert visible[-1].buttons == ({"title": "确认", "payload": "/affirm"},)
    assert [m.seq for m in await store.messages_after(cid, 0, include_internal=True)] == [1, 2, 3, 4, 5, 6]
    assert [m.seq for m in await store.messages_after(cid, 3)] == [4, 6]
    assert (await store.get_conversation(cid)).last_seq == 6


async def test_concurrent_appends_get_unique_consecutive_seqs(accounts: SqlAccountRepository, store: HubStore) -> None:
    cid = await conversation_for(accounts, store, "msg-2")
    results = await asyncio.gather(
        *(store.append(cid, NewMessage("borrower", f"并发{i}", client_id=f"k-{i}" if i % 2 else None)) for i in range(20))
    )
    assert all(created for _, created in results)
    assert sorted(m.seq for m, _ in results) == list(range(1, 21))
    stored = await store.messages_after(cid, 0)
    assert [m.seq for m in stored] == list(range(1, 21))
    assert sorted(m.text for m in stored) == sorted(f"并发{i}" for i in range(20))
    assert (await store.get_conversation(cid)).last_seq == 20


async def test_concurrent_retries_of_one_client_id_store_one_message(accounts: SqlAccountRepository, store: HubStore) -> None:
    cid = await conversation_for(accounts, store, "msg-3")
    results = await asyncio.gather(*(store.append(cid, NewMessage("borrower", "只存一次", client_id="same")) for _ in range(6)))
    assert sum(created for _, created in results) == 1
    assert {m.seq for m, _ in results} == {1}
    assert [m.text for m in await store.messages_after(cid, 0)] == ["只存一次"]


# Queue and claims --------------------------------------------------------------------
async def test_queue_is_urgent_then_high_then_normal_and_longest_wait_first(
    accounts: SqlAccountRepository, store: HubStore
) -> None:
    ids = {name: await conversation_for(accounts, store, f"q-{name}") for name in ("a", "b", "c", "d", "bot")}
    for name, priority in (("a", "normal"), ("b", "normal"), ("c", "high"), ("d", "urgent")):
        await store.request_handoff(ids[name], reason="request_human", priority=priority, summary=name)
    order = [c.conversation_id for c in await store.queue()]
    assert order == [ids["d"], ids["c"], ids["a"], ids["b"]]  # the bot conversation is not in the queue

    # A later, more urgent request raises the priority but keeps the original waiting time.
    waiting_since = (await store.get_conversation(ids["b"])).waiting_since
    escalated = await store.request_handoff(ids["b"], reason="crisis", priority="urgent", summary="危机")
    assert (escalated.priority, escalated.reason, escalated.waiting_since) == ("urgent", "crisis", waiting_since)
    assert [c.conversation_id for c in await store.queue()] == [ids["b"], ids["d"], ids["c"], ids["a"]]  # b waited longer
    # A less urgent one never lowers it.
    await store.request_handoff(ids["d"], reason="request_human", priority="normal", summary="")
    assert (await store.get_conversation(ids["d"])).priority == "urgent"

    await store.resolve_waiting(ids["c"])
    assert ids["c"] not in [c.conversation_id for c in await store.queue()]


async def test_claim_is_exclusive_under_concurrency(accounts: SqlAccountRepository, store: HubStore) -> None:
    await store.ensure_collector("alice", "小李", "scrypt$00$00")
    await store.ensure_collector("bob", "小王", "scrypt$00$00")
    alice = (await store.collector_by_username("alice"))["id"]
    bob = (await store.collector_by_username("bob"))["id"]
    cid = await conversation_for(accounts, store, "claim-1")
    assert await store.claim(cid, alice) == "not_waiting"  # nobody asked for a person yet
    await store.request_handoff(cid, reason="request_human", priority="normal", summary="")

    outcomes = await asyncio.gather(store.claim(cid, alice), store.claim(cid, bob))
    assert sorted(outcomes) == ["claimed", "held_by_other"]
    winner, loser = (alice, bob) if outcomes[0] == "claimed" else (bob, alice)
    held = await store.get_conversation(cid)
    assert (held.status, held.collector_id) == ("with_collector", winner)
    assert await store.claim(cid, winner) == "already_yours"
    assert await store.claim("no-such-conversation", winner) == "missing"

    assert not await store.release(cid, loser, outcome="handed_back")
    assert await store.release(cid, winner, outcome="handed_back", agreed="每月500元")
    back = await store.get_conversation(cid)
    assert (back.status, back.collector_id, back.priority) == ("bot", None, None)
    assert cid not in [c.conversation_id for c in await store.queue()]
