"""Each dialogue flow's action, against a real database and the real plan engine."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from helpers import NOW, payloads, run, slot_events, texts, tracker

from actions import account, contact, follow_up, handoff, hardship, plans, runtime, safety, session
from kuanxian.replies import Reply
from kuanxian.safety import review_message

pytestmark = pytest.mark.usefixtures("repo")


async def test_balance_is_answered_from_the_account() -> None:
    messages, _ = await run(account.ActionAnswerBalance(), tracker("我还欠多少", intent="ask_balance"))
    assert "12,000.00" in texts(messages) and "11,200.00" in texts(messages) and "800.00" in texts(messages)
    assert review_message(texts(messages)).allowed


async def test_no_account_details_without_authentication() -> None:
    messages, _ = await run(account.ActionAnswerBalance(), tracker("我还欠多少", intent="ask_balance", borrower_id=None))
    assert "12,000" not in texts(messages) and "登录" in texts(messages)


async def test_due_date_names_the_day_and_the_next_date() -> None:
    messages, _ = await run(account.ActionAnswerDueDate(), tracker("哪天还", intent="ask_due_date"))
    assert "15号" in texts(messages) and "12月15日" in texts(messages)


async def test_reminder_states_amount_and_due_date_with_four_options() -> None:
    t = tracker("", intent="EXTERNAL_payment_reminder", entities=[
        {"entity": "amount", "value": "500.00"}, {"entity": "due_date", "value": "2026-12-15"}])
    messages, _ = await run(account.ActionPaymentReminder(), t)
    assert "500.00" in texts(messages) and "12月15日" in texts(messages)
    assert {b["payload"] for b in messages[0]["buttons"]} == {"/ask_payment_method", "/request_installment", "/disclose_hardship", "/request_human"}


async def test_low_offer_gets_the_nearest_feasible_plan_not_a_no(repo) -> None:
    extracted = slot_events((await run(plans.ActionExtractPlanTerms(), tracker("我每月只能还300", intent="propose_installment")))[1])
    assert extracted["plan_amount"] == "300" or Decimal(extracted["plan_amount"]) == Decimal("300")
    messages, events = await run(plans.ActionEvaluatePlan(), tracker(slots=extracted))
    body = texts(messages)
    assert "500.00" in body and "24" in body
    assert any(b["payload"] == "/request_human" for b in messages[0]["buttons"])
    slots = slot_events(events)
    assert slots["pending_offer"] == "plan_confirm"
    confirmed, _ = await run(plans.ActionConfirmPlan(), tracker("好的", intent="affirm", slots={"plan_draft": slots["plan_draft"]}))
    stored = await repo.list_payment_plans("demo-001")
    assert len(stored) == 1
    schedule = stored[0].schedule
    assert schedule.count == 24 and sum(i.amount for i in schedule.installments) == Decimal("12000.00")
    assert payloads(confirmed) == [{"version": 1, "type": "payment_plan", "plan_id": stored[0].plan_id}]


async def test_acceptable_plan_states_first_date_count_and_last_amount() -> None:
    messages, _ = await run(plans.ActionEvaluatePlan(), tracker(slots={"plan_amount": "700"}))
    body = texts(messages)
    assert "700.00" in body and "18期" in body and "100.00" in body  # 17 × 700 + 100
    assert "第一期" in body and "最后一期" in body


async def test_let_me_think_keeps_the_draft() -> None:
    draft = {"amount": "600.00", "count": 20, "frequency": "monthly", "hardship": False, "holiday_days": 0}
    _, events = await run(plans.ActionKeepDraft(), tracker("我再想想", intent="think_it_over", slots={"plan_draft": draft}))
    assert slot_events(events)["pending_offer"] == "plan_confirm"


async def test_promise_date_is_read_and_a_reminder_is_offered() -> None:
    _, events = await run(follow_up.ActionExtractFollowDate(), tracker("我15号还", intent="promise_to_pay"))
    day = slot_events(events)["follow_date"]
    assert day == "2026-12-15"
    messages, events = await run(follow_up.ActionConfirmPromise(), tracker(slots={"follow_date": day}))
    assert "12月15日" in texts(messages) and slot_events(events)["pending_offer"] == "reminder_offer"
    messages, _ = await run(follow_up.ActionScheduleFollowUp(), tracker("好的", intent="affirm", slots={"follow_date": day}))
    (reminder,) = payloads(messages)
    assert reminder["type"] == "reminder" and reminder["send_at"] == "2026-12-15T10:00:00+08:00"


async def test_payday_asks_which_day() -> None:
    messages, events = await run(follow_up.ActionExtractFollowDate(), tracker("发工资了再提醒我", intent="remind_later"))
    assert slot_events(events)["follow_date"] is None and "几号" in texts(messages)


async def test_hardship_is_recorded_only_with_consent(repo) -> None:
    t = tracker("我失业了", intent="disclose_hardship", entities=[{"entity": "hardship_type", "value": "job_loss"}])
    messages, events = await run(hardship.ActionAcknowledgeHardship(), t)
    assert "谢谢" in texts(messages) and "同意" in texts(messages)
    assert await repo.list_hardships("demo-001") == []
    slots = slot_events(events)
    assert slots["pending_offer"] == "hardship_consent" and slots["hardship_type"] == "job_loss"
    borrower = await repo.get_borrower("demo-001")
    assert borrower.flags.hardship_pause_until == NOW + timedelta(days=7)
    await run(hardship.ActionSkipHardshipRecord(), tracker("不用", intent="deny", slots=slots))
    assert await repo.list_hardships("demo-001") == []
    messages, _ = await run(hardship.ActionRecordHardship(), tracker("同意", intent="affirm", slots=slots))
    assert [h.category for h in await repo.list_hardships("demo-001")] == ["job_loss"]
    assert "12348" in texts(messages)  # signposts free advice
    assert {b["payload"] for b in messages[0]["buttons"]} >= {"/request_installment", "/request_deferral", "/request_fee_relief", "/request_human"}


async def test_deferral_needs_hardship_then_is_offered_within_policy() -> None:
    messages, _ = await run(hardship.ActionHandleDeferral(), tracker("能晚点还吗", intent="request_deferral"))
    assert "困难" in texts(messages) and not payloads(messages)
    messages, events = await run(hardship.ActionHandleDeferral(), tracker("能晚点还吗", slots={"hardship_disclosed": True}))
    assert "60天" in texts(messages) and slot_events(events)["holiday_requested"] is True


async def test_dispute_records_stops_contact_and_hands_off(repo) -> None:
    messages, _ = await run(contact.ActionOpenDispute(), tracker("这个金额不对，我早就还了", intent="dispute_debt"))
    assert (await repo.get_borrower("demo-001")).flags.dispute_open
    assert payloads(messages)[0] | {"summary": ""} == {"version": 1, "type": "handoff", "reason": "dispute", "priority": "high", "summary": ""}


async def test_wrong_person_reveals_nothing_and_marks_the_contact(repo) -> None:
    messages, events = await run(contact.ActionWrongPerson(), tracker("你们找错人了", intent="wrong_person"))
    body = texts(messages)
    assert "王" not in body and "12,000" not in body and "逾期" not in body
    assert (await repo.get_borrower("demo-001")).flags.wrong_contact
    assert slot_events(events)["wrong_person"] is True
    after, _ = await run(account.ActionAnswerBalance(), tracker("欠多少", slots={"wrong_person": True}))
    assert "12,000" not in texts(after)


async def test_stop_contact_opts_out_and_says_how_to_opt_back_in(repo) -> None:
    messages, _ = await run(contact.ActionStopContact(), tracker("别再发了", intent="stop_contact"))
    assert (await repo.get_borrower("demo-001")).flags.opted_out and "恢复提醒" in texts(messages)
    await run(contact.ActionResumeContact(), tracker("恢复提醒", intent="resume_contact"))
    assert not (await repo.get_borrower("demo-001")).flags.opted_out


@pytest.mark.parametrize(
    "action, reason, priority",
    [(handoff.ActionRequestHuman(), "request_human", "normal"), (handoff.ActionHandleComplaint(), "complaint", "high"),
     (safety.ActionDistressSupport(), "distress", "high"), (safety.ActionCrisisSupport(), "crisis", "urgent")],
)
async def test_each_handoff_has_reason_and_priority(action, reason, priority) -> None:
    messages, _ = await run(action, tracker("……"))
    (payload,) = payloads(messages)
    assert (payload["type"], payload["reason"], payload["priority"]) == ("handoff", reason, priority)


async def test_crisis_support_is_safety_first_and_pauses_contact(repo) -> None:
    messages, _ = await run(safety.ActionCrisisSupport(), tracker("我不想活了", intent="express_distress"))
    body = texts(messages)
    assert "12356" in body and "010-82951332" in body
    for word in ("欠款", "还款", "逾期", "分期", "借款"):
        assert word not in body
    assert (await repo.get_borrower("demo-001")).flags.crisis_pause_until == NOW + timedelta(days=30)


async def test_a_pressuring_text_is_never_sent(monkeypatch, caplog) -> None:
    from kuanxian import replies

    monkeypatch.setattr(replies, "stop_contact", lambda: Reply("再不还钱就通知你的家人和单位"))
    messages, _ = await run(contact.ActionStopContact(), tracker("别发了", intent="stop_contact"))
    assert texts(messages) == runtime.SAFE_FALLBACK
    assert "blocked text from action_stop_contact" in caplog.text


async def test_session_start_takes_identity_from_metadata() -> None:
    t = tracker(borrower_id=None, slots={"session_started_metadata": {"borrower_id": "demo-002"}})
    _, events = await run(session.ActionSessionStart(), t)
    assert slot_events(events)["borrower_id"] == "demo-002"
