"""Tests for kuanxian.plans: schedules, policy checks and counter-offers."""

from __future__ import annotations

import random
from dataclasses import FrozenInstanceError
from datetime import date, timedelta
from decimal import Decimal

import pytest

from kuanxian.dates import Frequency, add_months
from kuanxian.plans import (
    Decision,
    Installment,
    PaymentPlan,
    PlanError,
    Policy,
    Proposal,
    build_schedule,
    default_first_due,
    evaluate,
    installment_minimum,
    max_installments,
)

D = Decimal
TODAY = date(2026, 11, 21)
BALANCE = D("12000.00")  # principal 11,200.00 + interest/fees 800.00
DEMO = Policy(
    min_installment=D("300.00"),
    max_term_months=24,
    allowed_frequencies=frozenset({Frequency.MONTHLY}),
    payment_holiday_days=60,
    interest_freeze_on_hardship=True,
)
ALL_FREQS = frozenset(Frequency)


def _eval(proposal: Proposal, policy: Policy = DEMO, balance: Decimal = BALANCE) -> Decision:
    return evaluate(balance, policy, proposal, today=TODAY)


# --- the demo account -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proposal", "outcome", "reasons", "regular", "count", "last"),
    [
        (Proposal(amount=D("300")), "counter", ("term_too_long",), "500", 24, "500"),
        (Proposal(amount=D("600")), "accept", (), "600", 20, "600"),
        (Proposal(count=12), "accept", (), "1000", 12, "1000"),
        (Proposal(amount=D("700")), "accept", (), "700", 18, "100"),
        (Proposal(amount=D("200")), "counter", ("below_minimum", "term_too_long"), "500", 24, "500"),
        (Proposal(count=36), "counter", ("term_too_long",), "500", 24, "500"),
        (Proposal(count=24), "accept", (), "500", 24, "500"),
        (Proposal(count=7), "accept", (), "1714.29", 7, "1714.26"),
        (Proposal(count=1), "accept", (), "12000", 1, "12000"),
        (Proposal(amount=D("12000")), "accept", (), "12000", 1, "12000"),
        (Proposal(amount=D("500"), count=24), "accept", (), "500", 24, "500"),
        (Proposal(amount=D("700"), count=18), "accept", (), "700", 18, "100"),
        # The amount they can afford stands; the term grows to fit it, within the longest allowed.
        (Proposal(amount=D("500"), count=12), "counter", ("count_too_small",), "500", 24, "500"),
        (Proposal(amount=D("400"), count=12), "counter", ("count_too_small", "term_too_long"), "500", 24, "500"),
        (Proposal(amount=D("600"), count=25), "counter", ("term_too_long", "count_too_large"), "600", 20, "600"),
        (Proposal(amount=D("1000"), count=20), "counter", ("count_too_large",), "1000", 12, "1000"),
        (Proposal(amount=D("499.99")), "counter", ("term_too_long",), "500", 24, "500"),
        (Proposal(amount=D("500.01")), "accept", (), "500.01", 24, "499.77"),
    ],
)
def test_demo_account(proposal: Proposal, outcome: str, reasons: tuple[str, ...], regular: str, count: int, last: str) -> None:
    decision = _eval(proposal)
    sch = decision.plan
    assert decision.outcome == outcome
    assert decision.reasons == reasons
    assert (sch.regular_amount, sch.count, sch.last_amount) == (D(regular), count, D(last))
    assert sum(i.amount for i in sch.installments) == BALANCE == sch.total


def test_demo_counter_explanation_matches_the_product_example() -> None:
    text = _eval(Proposal(amount=D("300"))).explain_zh()
    assert text == "按照每月300元，需要40个月，超过了最长24个月的期限。我们可以按每月500元、分24期来安排，您看可以吗？"


def test_demo_accept_dates() -> None:
    sch = _eval(Proposal(amount=D("600"))).plan
    assert sch.first_date == date(2026, 12, 21)
    assert sch.last_date == date(2028, 7, 21)
    assert [i.seq for i in sch.installments] == list(range(1, 21))


@pytest.mark.parametrize(
    ("proposal", "reasons", "holiday", "first"),
    [
        (Proposal(amount=D("600"), holiday_days=30), ("holiday_needs_hardship",), 0, date(2026, 12, 21)),
        (Proposal(amount=D("600"), holiday_days=30, hardship=True), (), 30, date(2027, 1, 20)),
        (Proposal(amount=D("600"), holiday_days=60, hardship=True), (), 60, date(2027, 2, 19)),
        (Proposal(amount=D("600"), holiday_days=90, hardship=True), ("holiday_too_long",), 60, date(2027, 2, 19)),
        (Proposal(amount=D("600"), hardship=True), (), 0, date(2026, 12, 21)),
        (Proposal(amount=D("600"), start=date(2026, 12, 31)), (), 0, date(2026, 12, 31)),
        (Proposal(amount=D("600"), start=date(2027, 1, 1)), ("start_too_late",), 0, date(2026, 12, 31)),
        (Proposal(amount=D("600"), start=TODAY), (), 0, TODAY),
        (Proposal(amount=D("600"), start=date(2026, 12, 5), holiday_days=10, hardship=True), (), 10, date(2026, 12, 15)),
    ],
)
def test_holidays_and_start(proposal: Proposal, reasons: tuple[str, ...], holiday: int, first: date) -> None:
    decision = _eval(proposal)
    assert decision.reasons == reasons
    assert decision.plan.holiday_days == holiday
    assert decision.plan.first_date == first


@pytest.mark.parametrize(
    ("hardship", "freeze", "frozen"), [(True, True, True), (True, False, False), (False, True, False), (False, False, False)]
)
def test_interest_freeze(hardship: bool, freeze: bool, frozen: bool) -> None:
    policy = Policy(D("300"), 24, interest_freeze_on_hardship=freeze)
    assert _eval(Proposal(amount=D("600"), hardship=hardship), policy).plan.interest_frozen is frozen


def test_holiday_not_offered_by_policy() -> None:
    policy = Policy(D("300"), 24)
    decision = _eval(Proposal(amount=D("600"), holiday_days=10, hardship=True), policy)
    assert decision.reasons == ("holiday_too_long",)
    assert decision.plan.holiday_days == 0
    assert "延后" in decision.explain_zh()


# --- frequencies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("freq", "expected"),
    [(Frequency.MONTHLY, "300.00"), (Frequency.WEEKLY, "69.24"), (Frequency.BIWEEKLY, "138.47")],
)
def test_installment_minimum_scaling(freq: Frequency, expected: str) -> None:
    assert installment_minimum(DEMO, freq) == D(expected)


@pytest.mark.parametrize(
    ("allowed", "asked", "expected"),
    [
        ({Frequency.MONTHLY}, Frequency.WEEKLY, Frequency.MONTHLY),
        ({Frequency.WEEKLY, Frequency.MONTHLY}, Frequency.BIWEEKLY, Frequency.MONTHLY),
        ({Frequency.WEEKLY}, Frequency.BIWEEKLY, Frequency.WEEKLY),
        ({Frequency.BIWEEKLY, Frequency.MONTHLY}, Frequency.WEEKLY, Frequency.BIWEEKLY),
        ({Frequency.WEEKLY, Frequency.BIWEEKLY}, Frequency.MONTHLY, Frequency.BIWEEKLY),
    ],
)
def test_closest_allowed_frequency(allowed: set[Frequency], asked: Frequency, expected: Frequency) -> None:
    policy = Policy(D("300"), 24, allowed_frequencies=frozenset(allowed))
    decision = _eval(Proposal(count=10, frequency=asked), policy)
    assert decision.reasons[0] == "frequency_not_allowed"
    assert decision.plan.frequency is expected


@pytest.mark.parametrize(
    ("freq", "first", "expected"),
    [
        (Frequency.MONTHLY, date(2026, 12, 21), 24),
        (Frequency.WEEKLY, date(2026, 12, 21), 105),
        (Frequency.BIWEEKLY, date(2026, 12, 21), 53),
        (Frequency.WEEKLY, date(2027, 1, 1), 105),
        (Frequency.BIWEEKLY, date(2027, 1, 1), 53),
    ],
)
def test_max_installments(freq: Frequency, first: date, expected: int) -> None:
    assert max_installments(first, freq, 24) == expected


def test_weekly_plan() -> None:
    policy = Policy(D("300"), 24, allowed_frequencies=ALL_FREQS)
    decision = _eval(Proposal(amount=D("150"), frequency=Frequency.WEEKLY), policy)
    sch = decision.plan
    assert decision.outcome == "accept"
    assert sch.count == 80 and sch.first_date == TODAY + timedelta(days=7)
    assert all((b.due - a.due).days == 7 for a, b in zip(sch.installments, sch.installments[1:], strict=False))
    low = _eval(Proposal(amount=D("60"), frequency=Frequency.WEEKLY), policy)
    assert low.reasons == ("below_minimum", "term_too_long")  # even 69.24/week needs 174 weeks
    assert low.plan.regular_amount == D("114.29")  # 12000 / 105 weekly slots, rounded up
    assert low.plan.count == 105


@pytest.mark.parametrize(
    ("freq", "expected"),
    [(Frequency.MONTHLY, date(2026, 12, 21)), (Frequency.WEEKLY, date(2026, 11, 28)), (Frequency.BIWEEKLY, date(2026, 12, 5))],
)
def test_default_first_due(freq: Frequency, expected: date) -> None:
    assert default_first_due(TODAY, freq) == expected


def test_default_first_due_clamps() -> None:
    assert default_first_due(date(2026, 1, 31), Frequency.MONTHLY) == date(2026, 2, 28)


# --- build_schedule ---------------------------------------------------------------------------


def test_month_end_dates_are_computed_from_the_first_date() -> None:
    sch = build_schedule(D("400"), D("100"), 4, Frequency.MONTHLY, date(2028, 1, 31))
    assert [i.due for i in sch.installments] == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30)]


@pytest.mark.parametrize(
    ("balance", "amount", "count", "amounts"),
    [
        ("1000", "300", 4, ["300", "300", "300", "100"]),
        ("1000", "250", 4, ["250", "250", "250", "250"]),
        ("1000", "250", 5, ["250", "250", "250", "250"]),  # zero remainder: dropped
        ("0.03", "0.01", 3, ["0.01", "0.01", "0.01"]),
        ("100", "100", 1, ["100"]),
        ("100.01", "50", 3, ["50", "50", "0.01"]),
    ],
)
def test_build_schedule_amounts(balance: str, amount: str, count: int, amounts: list[str]) -> None:
    sch = build_schedule(D(balance), D(amount), count, Frequency.MONTHLY, TODAY)
    assert [i.amount for i in sch.installments] == [D(a) for a in amounts]
    assert sch.total == D(balance)
    assert sch.regular_amount == D(amounts[0]) and sch.last_amount == D(amounts[-1])


@pytest.mark.parametrize(
    ("balance", "amount", "count"),
    [("1000", "300", 3), ("1000", "300", 6), ("0", "10", 1), ("100", "0", 1), ("100", "10", 0), ("100", "0.001", 100000)],
)
def test_build_schedule_rejects_inconsistent_input(balance: str, amount: str, count: int) -> None:
    with pytest.raises(ValueError):
        build_schedule(D(balance), D(amount), count, Frequency.MONTHLY, TODAY)


def test_build_schedule_rejects_float() -> None:
    with pytest.raises(TypeError):
        build_schedule(1000.0, D("100"), 10, Frequency.MONTHLY, TODAY)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(30))
def test_build_schedule_properties(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        balance_fen = rng.randint(1, 50_000_000)
        amount_fen = rng.randint(1, balance_fen) if rng.random() < 0.3 else rng.randint(max(1, balance_fen // 200), balance_fen)
        count = -(-balance_fen // amount_fen)
        freq = rng.choice(list(Frequency))
        first = date(2026, 1, 1) + timedelta(days=rng.randint(0, 1500))
        sch = build_schedule(D(balance_fen).scaleb(-2), D(amount_fen).scaleb(-2), count, freq, first)
        amounts = [i.amount for i in sch.installments]
        assert sum(amounts) == sch.total == D(balance_fen).scaleb(-2)
        assert all(a > 0 for a in amounts)
        assert all(a == D(amount_fen).scaleb(-2) for a in amounts[:-1])
        assert amounts[-1] <= D(amount_fen).scaleb(-2)
        assert sch.first_date == first
        dues = [i.due for i in sch.installments]
        assert dues == sorted(set(dues))
        if freq is Frequency.MONTHLY:
            assert all(d == add_months(first, k) for k, d in enumerate(dues))


# --- evaluate: properties over random proposals -----------------------------------------------


def _random_policy(rng: random.Random) -> Policy:
    freqs = [f for f in Frequency if rng.random() < 0.5] or [Frequency.MONTHLY]
    return Policy(
        min_installment=D(rng.randint(1, 200_000)).scaleb(-2),
        max_term_months=rng.randint(1, 120),
        allowed_frequencies=frozenset(freqs),
        payment_holiday_days=rng.choice([0, 0, 30, 60, 90]),
        interest_freeze_on_hardship=rng.random() < 0.5,
    )


def _random_proposal(rng: random.Random, balance_fen: int) -> Proposal:
    kind = rng.choice(["amount", "count", "both"])
    amount = D(rng.randint(1, balance_fen)).scaleb(-2) if kind != "count" else None
    count = rng.randint(1, 400) if kind != "amount" else None
    start = TODAY + timedelta(days=rng.randint(0, 120)) if rng.random() < 0.3 else None
    return Proposal(
        amount=amount,
        count=count,
        frequency=rng.choice(list(Frequency)),
        start=start,
        hardship=rng.random() < 0.4,
        holiday_days=rng.choice([0, 0, 0, 15, 60, 120]),
    )


@pytest.mark.parametrize("seed", range(40))
def test_evaluate_always_yields_a_policy_compliant_plan(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        balance_fen = rng.randint(1, 100_000_000)
        balance = D(balance_fen).scaleb(-2)
        policy = _random_policy(rng)
        proposal = _random_proposal(rng, balance_fen)
        decision = evaluate(balance, policy, proposal, today=TODAY)
        sch = decision.plan
        amounts = [i.amount for i in sch.installments]
        # exact money
        assert sum(amounts) == balance == sch.total
        assert all(a > 0 for a in amounts) and amounts[-1] <= amounts[0]
        assert all(a == amounts[0] for a in amounts[:-1])
        # policy
        assert sch.frequency in policy.allowed_frequencies
        assert amounts[0] >= min(installment_minimum(policy, sch.frequency), balance)
        assert sch.last_date < add_months(sch.first_date, policy.max_term_months)
        assert sch.first_date >= TODAY
        assert sch.holiday_days <= (policy.payment_holiday_days if proposal.hardship else 0)
        assert sch.interest_frozen == (proposal.hardship and policy.interest_freeze_on_hardship)
        # outcome consistency
        assert (decision.outcome == "accept") == (not decision.reasons)
        assert len(set(decision.reasons)) == len(decision.reasons)
        if decision.outcome == "accept":
            if proposal.amount is not None:
                assert amounts[0] == proposal.amount or sch.count == 1
            if proposal.count is not None:
                assert sch.count == proposal.count
            assert sch.frequency is proposal.frequency
        text = decision.explain_zh()
        assert text and "不行" not in text and "拒绝" not in text
        if decision.outcome == "counter":
            assert text.endswith("您看可以吗？")


@pytest.mark.parametrize("seed", range(10))
def test_counter_keeps_the_borrowers_amount_when_it_fits(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        amount = D(rng.randint(30_000, 1_200_000)).scaleb(-2)
        decision = _eval(Proposal(amount=amount))
        needed = -(-int(BALANCE * 100) // int(amount * 100))  # ceil on whole fen
        if needed <= 24:
            assert decision.outcome == "accept" and decision.plan.regular_amount == amount
        else:
            assert decision.reasons == ("term_too_long",)
            assert decision.plan.regular_amount == D("500.00")


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("balance", "proposal", "code"),
    [
        (BALANCE, Proposal(amount=D("0")), "amount_not_positive"),
        (BALANCE, Proposal(amount=D("-5")), "amount_not_positive"),
        (BALANCE, Proposal(amount=D("12000.01")), "amount_exceeds_balance"),
        (BALANCE, Proposal(count=0), "count_not_positive"),
        (BALANCE, Proposal(count=-3), "count_not_positive"),
        (BALANCE, Proposal(amount=D("600"), start=TODAY - timedelta(days=1)), "start_in_past"),
        (D("0"), Proposal(amount=D("600")), "balance_not_positive"),
        (D("-100"), Proposal(count=3), "balance_not_positive"),
        (BALANCE, Proposal(), "missing_terms"),
        (BALANCE, Proposal(amount=D("600.001")), "amount_not_fen"),
        (BALANCE, Proposal(amount=D("600"), holiday_days=-1), "holiday_negative"),
    ],
)
def test_plan_errors(balance: Decimal, proposal: Proposal, code: str) -> None:
    with pytest.raises(PlanError) as info:
        evaluate(balance, DEMO, proposal, today=TODAY)
    assert info.value.code == code
    assert info.value.message_zh
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"min_installment": D("0"), "max_term_months": 24}, ValueError),
        ({"min_installment": D("-1"), "max_term_months": 24}, ValueError),
        ({"min_installment": D("300"), "max_term_months": 0}, ValueError),
        ({"min_installment": D("300"), "max_term_months": 121}, ValueError),
        ({"min_installment": D("300"), "max_term_months": 24, "allowed_frequencies": frozenset()}, ValueError),
        ({"min_installment": D("300"), "max_term_months": 24, "payment_holiday_days": -1}, ValueError),
        ({"min_installment": 300.0, "max_term_months": 24}, TypeError),
        ({"min_installment": D("300"), "max_term_months": 24.0}, TypeError),
        ({"min_installment": D("300"), "max_term_months": 24, "allowed_frequencies": frozenset({"yearly"})}, ValueError),
    ],
)
def test_policy_validation(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        Policy(**kwargs)  # type: ignore[arg-type]


def test_policy_and_proposal_coerce_frequency_strings() -> None:
    policy = Policy(D("300"), 12, allowed_frequencies=frozenset({"weekly"}))  # type: ignore[arg-type]
    assert policy.allowed_frequencies == frozenset({Frequency.WEEKLY})
    assert Proposal(count=3, frequency="biweekly").frequency is Frequency.BIWEEKLY  # type: ignore[arg-type]


def test_types_are_frozen() -> None:
    sch = _eval(Proposal(count=12)).plan
    with pytest.raises(FrozenInstanceError):
        sch.total = D("1")  # type: ignore[misc]
    assert isinstance(sch.installments[0], Installment) and isinstance(sch, PaymentPlan)


def test_balance_below_minimum_is_one_installment() -> None:
    decision = evaluate(D("200"), DEMO, Proposal(count=3), today=TODAY)
    assert decision.reasons == ("below_minimum",)
    assert decision.plan.count == 1 and decision.plan.regular_amount == D("200")
    assert "一次还清200元" in decision.explain_zh()


# --- explanations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proposal", "fragments"),
    [
        (Proposal(amount=D("600")), ["好的", "每月600元", "分20期", "2026年12月21日"]),
        (Proposal(amount=D("700")), ["最后一期100元"]),
        (Proposal(amount=D("200")), ["最低还款额是300元", "每月500元", "分24期", "您看可以吗？"]),
        (Proposal(count=36), ["分36期超过了最长24个月的期限", "每月500元"]),
        (Proposal(amount=D("500"), count=12), ["还不够还清12,000元", "每月500元、分24期"]),
        (Proposal(amount=D("400"), count=12), ["按照每月400元，需要30个月，超过了最长24个月的期限", "每月500元、分24期"]),
        (Proposal(amount=D("1000"), count=20), ["12期就能还清", "不需要分20期"]),
        (Proposal(count=6, frequency=Frequency.WEEKLY), ["只能按月", "每月2,000元"]),
        (Proposal(amount=D("600"), holiday_days=30), ["困难", "您看可以吗？"]),
        (Proposal(amount=D("600"), holiday_days=90, hardship=True), ["最多可以延后60天", "暂停计息"]),
        (Proposal(amount=D("600"), hardship=True, holiday_days=30), ["首期延后30天", "暂停计息"]),
        (Proposal(amount=D("600"), start=date(2027, 3, 1)), ["最晚可以安排在2026年12月31日"]),
        (Proposal(amount=D("12000")), ["一次还清12,000元"]),
    ],
)
def test_explain_zh(proposal: Proposal, fragments: list[str]) -> None:
    text = _eval(proposal).explain_zh()
    for fragment in fragments:
        assert fragment in text, text
