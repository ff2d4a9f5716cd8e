"""Every composed borrower text passes the project's own pressure-tactic check."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from kuanxian import replies
from kuanxian.demo import DEMO_BORROWERS
from kuanxian.handoff import HandoffRequest, PayloadError, PlanConfirmed, ReminderRequest, parse_custom, to_json_message
from kuanxian.plans import PlanError, Proposal, evaluate
from kuanxian.safety import review_message

TODAY = date(2026, 11, 21)


def every_reply() -> list[replies.Reply]:
    out = []
    for borrower in DEMO_BORROWERS:
        out += [
            replies.greeting(borrower), replies.balance(borrower, TODAY), replies.due_date(borrower, TODAY),
            replies.payment_method(borrower), replies.payment_reminder(borrower, borrower.balance, TODAY, TODAY),
            replies.hardship_options(borrower, recorded=True), replies.hardship_options(borrower, recorded=False),
            replies.plan_error(PlanError("amount_exceeds_balance", "金额超过欠款"), borrower),
        ]
        for proposal in (Proposal(amount=Decimal("100")), Proposal(amount=Decimal("700")), Proposal(count=12), Proposal(count=99)):
            decision = evaluate(borrower.balance, borrower.policy, proposal, today=TODAY)
            out += [replies.plan_offer(decision, TODAY), replies.plan_confirmed(decision.schedule, TODAY)]
    for category in list(replies.HARDSHIP_NAMES_ZH) + [None]:
        out.append(replies.hardship_acknowledge(category))
    out += [
        replies.greeting(None), replies.not_authenticated(), replies.wrong_person_guard(), replies.plan_declined(),
        replies.keep_draft(True), replies.keep_draft(False), replies.ask_payday(), replies.ask_concrete_date(),
        replies.ask_plan_terms(), replies.ask_follow_date(), replies.promise_confirm(TODAY, TODAY),
        replies.follow_up_scheduled(TODAY, TODAY), replies.deferral_offer(60), replies.deferral_needs_hardship(60),
        replies.needs_a_person("延期还款"), replies.fee_relief_offer(), replies.fee_relief_needs_hardship(),
        replies.dispute_opened(), replies.wrong_person(), replies.stop_contact(), replies.resume_contact(),
        replies.request_human(), replies.complaint(), replies.acknowledged(), replies.no_reminder(), replies.handback("每月还600元，从12月开始"), replies.handback(""),
    ]
    return out


@pytest.mark.parametrize("reply", every_reply(), ids=lambda r: r.text[:16])
def test_reply_passes_the_guard(reply: replies.Reply) -> None:
    for part in [reply.text] + [b.title for b in reply.buttons]:
        verdict = review_message(part)
        assert verdict.allowed, (part, [v.rule_id for v in verdict.violations])


def test_counter_offer_is_never_a_flat_no() -> None:
    borrower = DEMO_BORROWERS[0]
    decision = evaluate(borrower.balance, borrower.policy, Proposal(amount=Decimal("300")), today=TODAY)
    reply = replies.plan_offer(decision, TODAY)
    assert decision.outcome == "counter" and "500.00" in reply.text
    assert {b.payload for b in reply.buttons} >= {"/affirm", "/disclose_hardship", "/request_human"}


def test_wrong_person_reply_reveals_nothing() -> None:
    text = replies.wrong_person().text
    for borrower in DEMO_BORROWERS:
        assert borrower.display_name not in text and str(borrower.balance) not in text


@pytest.mark.parametrize(
    "payload",
    [HandoffRequest("crisis", "urgent", "危机"), ReminderRequest(datetime(2026, 12, 15, 2, tzinfo=timezone.utc)), PlanConfirmed(7)],
)
def test_payloads_round_trip(payload) -> None:
    assert parse_custom(to_json_message(payload)) == payload


@pytest.mark.parametrize(
    "custom",
    [{"kuanxian": {"type": "handoff", "reason": "nope", "priority": "urgent"}},
     {"kuanxian": {"type": "handoff", "reason": "crisis", "priority": "whenever"}},
     {"kuanxian": {"type": "reminder", "send_at": "2026-12-15T10:00:00"}},
     {"kuanxian": {"type": "mystery"}}, {"kuanxian": "text"}],
)
def test_malformed_payloads_are_refused_clearly(custom) -> None:
    with pytest.raises(PayloadError):
        parse_custom(custom)


def test_other_custom_objects_are_not_ours() -> None:
    assert parse_custom({"something": 1}) is None and parse_custom(None) is None
