"""Hardship: thank, ask consent before recording anything; fee relief decided by policy, or a person."""

from __future__ import annotations

from decimal import Decimal

import pytest
from actionkit import Chat, Database, days

from kuanxian.commands import AgreePlan, OpenDispute, PauseReminders, RecordHardship, RequestHandoff
from kuanxian.dates import Frequency
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.domain.hardship import HardshipCategory

JOB_LOSS = [{"entity": "hardship_type", "value": "job_loss"}]
CONSENT_QUESTION = "您同意我们把这个情况记录在您的账户里吗"


async def test_a_disclosure_is_thanked_and_consent_asked_before_anything_is_recorded(chat: Chat) -> None:
    turn = await chat.send("我最近失业了，实在没钱", "disclose_hardship", entities=JOB_LOSS)

    assert turn.action == "action_acknowledge_hardship"
    assert "谢谢您愿意告诉我" in turn.text and "失业" in turn.text and CONSENT_QUESTION in turn.text
    assert turn.commands == [PauseReminders("hardship")], "reminders pause at once; nothing is recorded yet"
    assert turn.slots["pending_offer"] == "hardship_consent"
    assert (turn.slots["hardship_type"], turn.slots["hardship_disclosed"]) == ("job_loss", True)
    assert {b["payload"] for b in turn.buttons} == {"/affirm", "/deny"}


@pytest.mark.parametrize("heard", ["affirm", "inform", "nlu_fallback", "out_of_scope"])
async def test_consent_given_in_a_sentence_records_the_hardship(chat: Chat, heard: str) -> None:
    await chat.send("我最近失业了", "disclose_hardship", entities=JOB_LOSS)

    turn = await chat.send("你们要记录就记吧，没关系", heard)
    assert turn.commands == [RecordHardship(HardshipCategory.JOB_LOSS, True)]
    assert "已经记录好了" in turn.text
    assert "每个月大概能拿出多少" in turn.text, "then the impact is asked about"
    assert "12348" in turn.text, "and free, independent help is signposted"
    assert turn.slots["pending_offer"] is None


@pytest.mark.parametrize(("text", "heard"), [("不用了", "deny"), ("不要记录", "deny"), ("不用记，谢谢", "inform")])
async def test_consent_refused_records_nothing(chat: Chat, text: str, heard: str) -> None:
    await chat.send("家里老人病了，要照顾", "disclose_hardship", entities=[{"entity": "hardship_type", "value": "family_care"}])

    turn = await chat.send(text, heard)
    assert turn.of(RecordHardship) == []
    assert "我们不做记录" in turn.text
    assert turn.slots["hardship_disclosed"] is True, "still taken into account for the plan"


async def test_the_pause_the_borrower_is_told_is_the_hubs_pause(chat: Chat) -> None:
    chat.metadata["hardship_pause_days"] = 14
    await chat.send("我最近失业了", "disclose_hardship", entities=JOB_LOSS)
    turn = await chat.send("可以", "affirm")
    assert "接下来14天" in turn.text


async def test_fee_relief_without_a_hardship_offers_a_person_and_a_later_yes_hands_off_for_fee_relief(db: Database) -> None:
    chat = Chat("demo-002")  # no interest freeze in this lender's policy, no hardship told
    asked = await chat.send("能不能把利息和罚息免了", "request_fee_relief")
    assert asked.commands == [], "no promise and no handoff before the Borrower wants one"
    assert "不能直接答应" in asked.text and "需要我帮您转过去吗" in asked.text
    assert asked.slots["pending_offer"] == "transfer_offer"

    yes = await chat.send("好的", "affirm")
    handoff = yes.one(RequestHandoff)
    assert (handoff.reason, handoff.priority) == (HandoffReason.FEE_RELIEF, Priority.NORMAL)
    assert "申请转接人工" in yes.text


async def test_a_later_request_for_a_person_carries_the_fee_relief_topic(db: Database) -> None:
    chat = Chat("demo-002")
    await chat.send("利息能减免吗", "request_fee_relief")
    await chat.send("我还欠多少", "ask_balance")

    turn = await chat.send("我要找人工", "request_human")
    assert turn.one(RequestHandoff).reason is HandoffReason.FEE_RELIEF


async def test_fee_relief_after_a_hardship_under_a_freeze_policy_is_offered_without_a_person(chat: Chat) -> None:
    await chat.send("我最近失业了", "disclose_hardship", entities=JOB_LOSS)
    await chat.send("可以", "affirm")

    turn = await chat.send("利息能不能停掉", "request_fee_relief")
    assert "可以为您停止计息" in turn.text
    assert turn.of(RequestHandoff) == []


async def test_fee_relief_after_a_hardship_without_a_freeze_policy_goes_to_a_person(db: Database) -> None:
    chat = Chat("demo-002")
    await chat.send("我生病住院了", "disclose_hardship", entities=[{"entity": "hardship_type", "value": "illness"}])
    await chat.send("可以", "affirm")

    turn = await chat.send("利息能不能免掉", "request_fee_relief")
    assert turn.one(RequestHandoff).reason is HandoffReason.FEE_RELIEF
    assert "工作人员" in turn.text


async def test_consent_is_not_taken_from_a_yes_to_a_later_question(chat: Chat) -> None:
    await chat.send("我最近失业了", "disclose_hardship", entities=JOB_LOSS)
    balance = await chat.send("我现在欠多少", "ask_balance")
    assert "我们可以一起看看分期的办法" in balance.text  # the question now on the table

    turn = await chat.send("好的", "affirm")
    assert turn.of(RecordHardship) == []


async def test_consent_heard_as_a_dispute_records_the_hardship_and_opens_no_dispute(chat: Chat) -> None:
    await chat.send("我最近失业了", "disclose_hardship", entities=JOB_LOSS)
    await chat.send("能不能先缓一个月", "request_deferral")

    turn = await chat.send("困难情况你们记吧，我同意，要材料的话我可以拍证明", "dispute_debt")
    assert turn.of(OpenDispute) == []
    assert len(turn.of(RecordHardship)) == 1


async def test_consent_given_after_a_question_in_between_still_records_the_hardship(chat: Chat) -> None:
    """Consent asked, then "会不会上征信?", then "行，那就缓30天，我家这个情况你们可以登记": it is the consent."""
    await chat.send("老婆上周剖腹产，孩子早产，钱全交医院了", "disclose_hardship")
    await chat.send("缓的这段时间会不会上征信?", "ask_consequences")
    turn = await chat.send("行,那就缓30天,我家这个情况你们可以登记", "affirm")
    assert turn.of(RecordHardship), turn.texts


async def test_a_hardship_told_with_consent_in_the_same_breath_is_recorded_without_asking_again(db: Database) -> None:
    chat = Chat("demo-001")

    turn = await chat.send("可以 你们记下来嘛 老头子中风了 医院的单子都在抽屉里头", "disclose_hardship")

    assert turn.of(RecordHardship), "recorded with the consent given"
    assert "您同意我们把这个情况记录" not in turn.text and turn.slots.get("pending_offer") != "hardship_consent"


async def test_consent_given_turns_later_with_a_plan_agreed_is_recorded_and_the_plan_goes_on_without_interest(
    db: Database, chat: Chat
) -> None:
    # demo-001's policy freezes interest during a plan for hardship: the record makes it possible, so it is applied.
    await chat.send("我老伴去年住院 钱都花在医院里了 一下子还不了那么多", "disclose_hardship")
    await db.add_plan("demo-001", "500.00", 24, days(10))
    await chat.send("每个月还五百 分二十四期", "propose_installment")
    later = await chat.send("那你帮我记上吧 我家里是真的困难 不是骗你们的", "disclose_hardship")
    assert later.one(RecordHardship).consent is True
    assert later.one(AgreePlan) == AgreePlan(Decimal("500.00"), 24, Frequency.MONTHLY, days(10), 0, True)
    assert "停止计息" in later.text and "金额和日期都不变" in later.text


async def test_consent_given_turns_later_with_a_plan_agreed_under_a_policy_without_a_freeze_leaves_the_plan(db: Database) -> None:
    chat = Chat("demo-002")  # no interest freeze in this lender's policy
    await chat.send("我老婆住院了 钱都花在医院里了", "disclose_hardship")
    await db.add_plan("demo-002", "535.00", 10, days(10))
    later = await chat.send("那你帮我记上吧 我家里是真的困难", "disclose_hardship")
    assert later.one(RecordHardship).consent is True
    assert not later.of(AgreePlan) and "计划不变" in later.text


async def test_a_stroke_told_as_the_reason_for_paying_late_is_a_hardship_heard_and_consent_asked(db: Database) -> None:
    chat = Chat("demo-002")
    told = await chat.send("我上个月中风了 住了半个月院 刚出来 这个月的钱还不上 不是故意拖的 对不起对不起", "explain_late")
    assert told.slots["pending_offer"] == "hardship_consent", told.text
    consent = await chat.send("可以 你记吧 病历出院小结我都有", "affirm")
    assert consent.one(RecordHardship).consent is True


async def test_a_restaurant_closed_for_three_months_heard_as_a_complaint_is_a_hardship_heard(db: Database) -> None:
    chat = Chat("demo-003")
    turn = await chat.send("我要疯了 餐馆说装修 直接关三个月 一分钱都没有", "complain")
    assert turn.of(RequestHandoff) == [] and turn.slots["pending_offer"] == "hardship_consent", turn.text


async def test_consent_heard_as_a_no_by_the_classifier_is_taken_from_the_words(chat: Chat) -> None:
    await chat.send("我前段时间送外卖被车挂倒了 腿骨折了", "disclose_hardship")
    turn = await chat.send("可以 受伤这个事你们记嘛 要不要我拍医院的证明给你", "deny")
    assert turn.one(RecordHardship).consent is True and "不做记录" not in turn.text, turn.text
    refused = Chat("demo-002")
    await refused.send("我前段时间送外卖被车挂倒了 腿骨折了", "disclose_hardship")
    no = await refused.send("不要给我记", "deny")
    assert no.of(RecordHardship) == [] and "不做记录" in no.text, no.text


async def test_consent_with_a_plan_on_the_table_offers_it_again_on_hardship_terms_for_a_yes(chat: Chat) -> None:
    offer = await chat.send("每个月还五百 分二十四期", "propose_installment")
    assert offer.slots["pending_offer"] == "plan_confirm" and "停止计息" not in offer.text
    await chat.send("最近店里生意孬得很 客人少了一半", "disclose_hardship")
    recorded = await chat.send("店里生意不好这个事你可以记下来 利息能停的话就停嘛", "affirm")
    assert recorded.one(RecordHardship).consent is True and recorded.of(AgreePlan) == [], "nothing agreed without a yes"
    assert "停止计息" in recorded.text and recorded.slots["pending_offer"] == "plan_confirm", recorded.text
    agreed = await chat.send("可以 就这样定了", "affirm")
    assert agreed.one(AgreePlan).hardship is True
