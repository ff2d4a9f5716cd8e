"""The domain nouns: how a Conversation's status moves, what a Role may do, hardship categories,
a PaymentPlan's figures and next due Installment, the clock helpers and a Borrower's dates."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kuanxian.dates import Frequency
from kuanxian.demo import DEMO_BORROWERS
from kuanxian.domain import (
    Conversation,
    ConversationStatus,
    HandoffReason,
    Hardship,
    HardshipCategory,
    Installment,
    InstallmentStatus,
    PaymentPlan,
    Priority,
    Role,
    Speaker,
    SystemClock,
    TransitionError,
)
from kuanxian.domain.clock import FixedClock, local_now, today_in
from kuanxian.domain.collector import Permission
from kuanxian.domain.events import HandoffRequested, HardshipRecorded, PlanAgreed
from kuanxian.domain.handoff import Handoff
from kuanxian.domain.policy import Policy

AT = datetime(2025, 1, 15, 2, 0, tzinfo=UTC)
LATER = AT + timedelta(minutes=5)
S = ConversationStatus


def conversation(status: ConversationStatus = S.BOT, **changes: object) -> Conversation:
    return Conversation(conversation_id="c-1", borrower_id="demo-001", status=status, created_at=AT, **changes)  # type: ignore[arg-type]


def waiting(priority: Priority = Priority.NORMAL) -> Conversation:
    return conversation().request_handoff(HandoffReason.REQUEST_HUMAN, priority, AT)


def held(collector_id: int = 7) -> Conversation:
    return waiting().claim(collector_id)


# ---------------------------------------------------------------- Conversation --


def test_a_handoff_request_puts_a_bot_conversation_in_the_queue_with_its_reason_and_time() -> None:
    after = conversation(collector_id=3).request_handoff(HandoffReason.DISTRESS, Priority.HIGH, LATER)
    assert after.status is S.WAITING_FOR_COLLECTOR
    assert (after.reason, after.priority, after.waiting_since, after.collector_id) == (HandoffReason.DISTRESS, Priority.HIGH, LATER, None)
    assert after.status.human and after.status.open


def test_a_more_urgent_request_raises_the_priority_of_a_waiting_conversation() -> None:
    after = waiting(Priority.NORMAL).request_handoff(HandoffReason.CRISIS, Priority.URGENT, LATER)
    assert (after.status, after.priority, after.reason) == (S.WAITING_FOR_COLLECTOR, Priority.URGENT, HandoffReason.CRISIS)
    assert after.waiting_since == AT  # the place in the queue is kept


def test_a_less_urgent_request_changes_nothing() -> None:
    before = waiting(Priority.URGENT)
    assert before.request_handoff(HandoffReason.REQUEST_HUMAN, Priority.NORMAL, LATER) == before
    assert before.request_handoff(HandoffReason.REQUEST_HUMAN, Priority.URGENT, LATER) == before


def test_a_more_urgent_request_while_with_a_collector_keeps_the_collector() -> None:
    after = held(7).request_handoff(HandoffReason.CRISIS, Priority.URGENT, LATER)
    assert (after.status, after.collector_id, after.priority) == (S.WITH_COLLECTOR, 7, Priority.URGENT)


def test_claim_hand_back_resolve_and_reopen() -> None:
    mine = held(7)
    assert (mine.status, mine.collector_id) == (S.WITH_COLLECTOR, 7)
    back = mine.hand_back(7)
    assert back.status is S.BOT and not back.status.human
    assert (back.collector_id, back.priority, back.reason, back.waiting_since) == (None, None, None, None)
    done = held(7).resolve(7)
    assert done.status is S.RESOLVED and not done.status.open and not done.status.human
    assert done.reopen().status is S.BOT


def test_resolving_forgets_a_third_party_speaker() -> None:
    done = replace(held(7), speaker=Speaker.THIRD_PARTY).resolve(7)
    assert done.speaker is Speaker.HOLDER


@pytest.mark.parametrize("status", [S.BOT, S.WAITING_FOR_COLLECTOR])
def test_a_conversation_no_one_holds_can_be_resolved(status: ConversationStatus) -> None:
    start = conversation() if status is S.BOT else waiting()
    assert start.resolve().status is S.RESOLVED


@pytest.mark.parametrize(
    "start, action, verb",
    [
        (lambda: conversation(), lambda c: c.claim(7), "claim"),
        (lambda: held(7), lambda c: c.claim(8), "claim"),
        (lambda: conversation(), lambda c: c.hand_back(7), "hand back"),
        (lambda: waiting(), lambda c: c.hand_back(7), "hand back"),
        (lambda: held(7), lambda c: c.hand_back(8), "hand back"),
        (lambda: held(7), lambda c: c.resolve(8), "resolve"),
        (lambda: held(7), lambda c: c.resolve(None), "resolve"),
        (lambda: held(7).resolve(7), lambda c: c.resolve(7), "resolve"),
        (lambda: held(7).resolve(7), lambda c: c.request_handoff(HandoffReason.CRISIS, Priority.URGENT, LATER), "hand off"),
        (lambda: conversation(), lambda c: c.reopen(), "reopen"),
        (lambda: held(7), lambda c: c.reopen(), "reopen"),
    ],
    ids=[
        "claim-bot",
        "claim-held",
        "hand-back-bot",
        "hand-back-waiting",
        "hand-back-other",
        "resolve-other",
        "resolve-anonymous",
        "resolve-twice",
        "hand-off-resolved",
        "reopen-bot",
        "reopen-held",
    ],
)
def test_transitions_the_status_does_not_allow_raise_a_transition_error(start, action, verb) -> None:  # type: ignore[no-untyped-def]
    before = start()
    with pytest.raises(TransitionError) as caught:
        action(before)
    assert caught.value.current is before.status
    assert caught.value.action == verb
    assert str(caught.value) == f"cannot {verb} a conversation that is {before.status.value}"
    assert isinstance(caught.value, ValueError)


def test_transitions_return_a_new_conversation_and_leave_the_old_one_alone() -> None:
    before = conversation()
    before.request_handoff(HandoffReason.REQUEST_HUMAN, Priority.NORMAL, AT)
    assert before.status is S.BOT
    with pytest.raises(FrozenInstanceError):
        before.status = S.RESOLVED  # type: ignore[misc]


def test_priority_rank_puts_urgent_first() -> None:
    assert sorted(Priority, key=lambda p: p.rank) == [Priority.URGENT, Priority.HIGH, Priority.NORMAL]
    assert [p.rank for p in (Priority.URGENT, Priority.HIGH, Priority.NORMAL)] == [0, 1, 2]


# ----------------------------------------------------------------------- Role --


@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.COLLECTOR, {Permission.CHAT}),
        (Role.LEAD, {Permission.CHAT, Permission.DASHBOARD, Permission.REVIEW_REPORTS, Permission.APPROVE_EXCEPTIONS}),
        (Role.TRAINER, {Permission.CHAT, Permission.REVIEW_REPORTS}),
    ],
)
def test_each_role_may_do_exactly_its_permissions(role: Role, allowed: set[Permission]) -> None:
    assert {p for p in Permission if role.may(p)} == allowed


def test_roles_are_read_from_their_stored_values() -> None:
    assert Role("lead") is Role.LEAD
    with pytest.raises(ValueError):
        Role("admin")


# ------------------------------------------------------------ HardshipCategory --


@pytest.mark.parametrize("category", list(HardshipCategory))
def test_every_known_category_parses_to_itself(category: HardshipCategory) -> None:
    assert HardshipCategory.parse(category.value) is category
    assert HardshipCategory.parse(category) is category


@pytest.mark.parametrize("value", [None, "", "unemployed", "JOB_LOSS", "失业", 3, " job_loss"])
def test_anything_else_is_other(value: object) -> None:
    assert HardshipCategory.parse(value) is HardshipCategory.OTHER


def test_a_recorded_hardship_tells_the_lender_the_category_and_consent_only() -> None:
    hardship = Hardship("demo-001", HardshipCategory.ILLNESS, AT, "c-1")
    event = HardshipRecorded(hardship.borrower_id, hardship.category)
    assert event.webhook_type == "hardship.recorded"
    assert event.webhook_data() == {"category": "illness", "consent": True}


def test_a_handoff_event_carries_neither_summary_nor_details() -> None:
    handoff = Handoff(
        "c-1", HandoffReason.DEFERRAL, Priority.NORMAL, AT, summary="借款人申请暂缓120天", details={"requested_holiday_days": 120}
    )
    data = HandoffRequested("demo-001", handoff).webhook_data()
    assert data == {"conversation_id": "c-1", "reason": "deferral", "priority": "normal"}


# ---------------------------------------------------------------- PaymentPlan --


def plan(*statuses: InstallmentStatus, amounts: tuple[str, ...] = ("500.00", "500.00", "200.00")) -> PaymentPlan:
    items = tuple(
        Installment(
            seq=i + 1,
            due=date(2025, 2 + i, 10),
            amount=Decimal(a),
            status=statuses[i] if i < len(statuses) else InstallmentStatus.DUE,
            paid=Decimal(a) if i < len(statuses) and statuses[i] is InstallmentStatus.PAID else Decimal("0.00"),
        )
        for i, a in enumerate(amounts)
    )
    return PaymentPlan(installments=items, frequency=Frequency.MONTHLY, total=sum((Decimal(a) for a in amounts), Decimal("0")))


def test_a_plan_reads_its_figures_from_its_installments() -> None:
    p = plan()
    assert (p.first_date, p.last_date) == (date(2025, 2, 10), date(2025, 4, 10))
    assert (p.count, p.regular_amount, p.last_amount, p.day_of_month) == (3, Decimal("500.00"), Decimal("200.00"), 10)
    assert p.total == Decimal("1200.00")


def test_next_due_is_the_first_installment_not_fully_paid() -> None:
    today = date(2025, 3, 20)
    assert plan().next_due(today).seq == 1  # type: ignore[union-attr]
    assert plan(InstallmentStatus.PAID).next_due(today).seq == 2  # type: ignore[union-attr]
    assert plan(InstallmentStatus.PAID, InstallmentStatus.MISSED).next_due(today).seq == 2  # type: ignore[union-attr]
    assert plan(InstallmentStatus.PAID, InstallmentStatus.PARTLY_PAID).next_due(today).seq == 2  # type: ignore[union-attr]
    assert plan(InstallmentStatus.PAID, InstallmentStatus.PAID).next_due(today).seq == 3  # type: ignore[union-attr]
    assert plan(InstallmentStatus.PAID, InstallmentStatus.PAID, InstallmentStatus.PAID).next_due(today) is None


def test_an_installment_never_owes_less_than_nothing() -> None:
    part = Installment(seq=1, due=date(2025, 2, 10), amount=Decimal("500.00"), status=InstallmentStatus.PARTLY_PAID, paid=Decimal("120.50"))
    assert part.outstanding == Decimal("379.50")
    over = Installment(seq=1, due=date(2025, 2, 10), amount=Decimal("500.00"), status=InstallmentStatus.PAID, paid=Decimal("600.00"))
    assert over.outstanding == Decimal("0.00")


def test_storing_a_plan_keeps_its_installments_and_adds_who_and_when() -> None:
    p = plan()
    stored = p.stored(42, "demo-001", AT, "c-1")
    assert (stored.plan_id, stored.borrower_id, stored.created_at, stored.conversation_id) == (42, "demo-001", AT, "c-1")
    assert stored.installments == p.installments and p.plan_id is None
    data = PlanAgreed(stored).webhook_data()
    assert data["installment_amount"] == "500.00" and data["last_amount"] == "200.00" and data["installment_count"] == 3
    assert data["first_date"] == "2025-02-10" and data["total"] == "1200.00"


# ---------------------------------------------------------------------- clock --


def test_a_fixed_clock_only_moves_when_told() -> None:
    clock = FixedClock(AT)
    assert clock.now() == AT and clock.now() == AT
    clock.advance(hours=1, minutes=30)
    assert clock.now() == AT + timedelta(hours=1, minutes=30)


def test_a_fixed_clock_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2025, 1, 15, 10, 0))


def test_the_system_clock_is_aware_and_in_utc() -> None:
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)
    assert abs((datetime.now(tz=UTC) - now).total_seconds()) < 5


@pytest.mark.parametrize(
    "utc, zone, expected",
    [
        (datetime(2025, 1, 14, 16, 30, tzinfo=UTC), "Asia/Shanghai", date(2025, 1, 15)),
        (datetime(2025, 1, 14, 15, 59, tzinfo=UTC), "Asia/Shanghai", date(2025, 1, 14)),
        (datetime(2025, 1, 15, 3, 0, tzinfo=UTC), "America/New_York", date(2025, 1, 14)),
        (datetime(2025, 1, 15, 5, 0, tzinfo=UTC), "America/New_York", date(2025, 1, 15)),
    ],
)
def test_today_is_the_date_in_the_borrowers_zone(utc: datetime, zone: str, expected: date) -> None:
    clock = FixedClock(utc)
    assert today_in(zone, clock) == expected
    local = local_now(zone, clock)
    assert local == utc and local.tzinfo == ZoneInfo(zone)


# ------------------------------------------------------------------- Borrower --


def test_the_demo_borrower_owes_twelve_thousand_under_its_policy() -> None:
    borrower = DEMO_BORROWERS[0]
    assert borrower.borrower_id == "demo-001" and borrower.balance == Decimal("12000.00")
    assert borrower.policy.min_installment == Decimal("300.00") and borrower.policy.max_term_months == 24
    assert borrower.policy.payment_holiday_days == 60 and borrower.policy.interest_freeze_on_hardship


def test_a_borrowers_next_due_date_recurs_on_the_due_day_clamped_to_the_month() -> None:
    borrower = DEMO_BORROWERS[0]  # due on the 15th
    assert borrower.next_due_date(date(2025, 1, 15)) == date(2025, 1, 15)
    assert borrower.next_due_date(date(2025, 1, 16)) == date(2025, 2, 15)
    assert borrower.next_due_date(date(2025, 12, 20)) == date(2026, 1, 15)
    end_of_month = replace(borrower, due_day=31)
    assert end_of_month.next_due_date(date(2025, 2, 1)) == date(2025, 2, 28)
    assert end_of_month.next_due_date(date(2024, 2, 1)) == date(2024, 2, 29)


def test_a_borrowers_today_and_overdue_since_use_their_zone() -> None:
    borrower = DEMO_BORROWERS[0]  # Asia/Shanghai, 15 days overdue
    assert borrower.today(datetime(2025, 1, 14, 16, 30, tzinfo=UTC)) == date(2025, 1, 15)
    assert borrower.overdue_since(date(2025, 1, 15)) == date(2024, 12, 31)
    current = replace(borrower, days_overdue=0)
    assert current.overdue_since(date(2025, 1, 15)) is None


def test_with_flags_changes_only_the_named_flags() -> None:
    borrower = DEMO_BORROWERS[0]
    until = AT + timedelta(days=7)
    paused = borrower.with_flags(hardship_pause_until=until, opted_out=True)
    assert paused.flags.hardship_pause_until == until and paused.flags.opted_out
    assert not paused.flags.dispute_open and paused.flags.crisis_pause_until is None
    assert borrower.flags.hardship_pause_until is None and not borrower.flags.opted_out


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"min_installment": Decimal("0")}, ValueError),
        ({"min_installment": 300.0}, TypeError),
        ({"min_installment": Decimal("300.001")}, ValueError),
        ({"max_term_months": 0}, ValueError),
        ({"max_term_months": 121}, ValueError),
        ({"max_term_months": True}, TypeError),
        ({"allowed_frequencies": frozenset()}, ValueError),
        ({"payment_holiday_days": 367}, ValueError),
        ({"payment_holiday_days": -1}, ValueError),
    ],
)
def test_a_policy_refuses_terms_no_plan_could_follow(changes: dict[str, object], error: type[Exception]) -> None:
    base: dict[str, object] = {"min_installment": Decimal("300.00"), "max_term_months": 24}
    with pytest.raises(error):
        Policy(**{**base, **changes})  # type: ignore[arg-type]


def test_a_policy_reads_frequencies_from_their_names() -> None:
    policy = Policy(Decimal("300.00"), 24, frozenset({"monthly", Frequency.WEEKLY}))  # type: ignore[arg-type]
    assert policy.allowed_frequencies == frozenset({Frequency.MONTHLY, Frequency.WEEKLY})
