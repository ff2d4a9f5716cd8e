"""The plan negotiation over several turns: what is offered is exactly what is agreed, and yes/no answer the question on the table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from actionkit import Chat, Database, Turn, days, hub_accepts

from actions import runtime
from kuanxian.commands import AgreePlan, RecordHardship, RecordPromise, RequestHandoff
from kuanxian.dates import Frequency
from kuanxian.domain.handoff import HandoffReason, Priority
from kuanxian.replies import account as account_texts

JOB_LOSS = [{"entity": "hardship_type", "value": "job_loss"}]


def offered(turn: Turn) -> dict:
    """The draft an offer put on the table (what a yes would confirm)."""
    assert turn.slots.get("pending_offer") == "plan_confirm", turn.slots
    return turn.slots["negotiation"]["draft"]


def terms_of(draft: dict) -> AgreePlan:
    return AgreePlan(
        Decimal(draft["amount"]),
        int(draft["count"]),
        Frequency(draft["frequency"]),
        date.fromisoformat(draft["first_date"]),
        int(draft["holiday_days"]),
        bool(draft["hardship"]),
    )


async def test_a_plan_talked_over_several_turns_is_agreed_with_exactly_the_terms_last_offered(chat: Chat) -> None:
    asked = await chat.send("我想分期还", "request_installment")
    assert "每期大概能还多少" in asked.text
    assert asked.commands == [] and asked.slots["pending_offer"] is None, "nothing to say yes to yet"

    first = await chat.send("每月500", "inform")
    assert "每月还500.00元，共24期，第一期在2月15日（周六）" in first.text  # the usual day (15th) next month
    assert offered(first)["first_date"] == "2025-02-15"

    moved = await chat.send("能不能每月28号扣", "set_payment_date")  # the month of the plan on the table
    assert "每月还500.00元，共24期，第一期在2月28日（周五）" in moved.text
    draft = offered(moved)
    assert moved.commands == [], "an offer is not an agreement"

    aside = await chat.send("那我总共欠多少", "ask_balance")
    assert "12,000.00" in aside.text
    assert "每月还500.00元，共24期，第一期在2月28日" in aside.text, "the offer is picked up again after the question"
    assert aside.slots["pending_offer"] == "plan_confirm"

    agreed = await chat.send("好的", "affirm")
    plan = agreed.one(AgreePlan)
    assert plan == terms_of(draft) == AgreePlan(Decimal("500.00"), 24, Frequency.MONTHLY, date(2025, 2, 28), 0, False)
    assert "已经为您确认还款计划" in agreed.text and "每月还500.00元，共24期，第一期在2月28日（周五）" in agreed.text
    assert hub_accepts("demo-001", plan), "the hub's plan engine takes these exact terms"
    assert agreed.slots["negotiation"] is None and agreed.slots["pending_offer"] is None
    assert len(agreed.commands) == 1


async def test_an_offer_picked_up_after_a_question_does_not_welcome_the_borrower_back(chat: Chat) -> None:
    await chat.send("分12期", "propose_installment")
    aside = await chat.send("我还欠多少", "ask_balance")
    assert "每月还1,000.00元" in aside.text
    assert "欢迎回来" not in aside.text


async def test_restating_the_offered_plan_agrees_it(chat: Chat) -> None:
    offer = await chat.send("分12期", "propose_installment")
    draft = offered(offer)
    assert "每月还1,000.00元，共12期" in offer.text

    agreed = await chat.send("行吧，那就12期", "propose_installment")
    assert agreed.one(AgreePlan) == terms_of(draft) == AgreePlan(Decimal("1000.00"), 12, Frequency.MONTHLY, date(2025, 2, 15))
    assert "已经为您确认还款计划" in agreed.text
    assert "您看确认这个计划吗" not in agreed.text, "not the same offer again"


async def test_a_different_count_is_a_new_offer_not_an_agreement(chat: Chat) -> None:
    await chat.send("分12期", "propose_installment")
    counter = await chat.send("那就24期吧", "propose_installment")
    assert counter.of(AgreePlan) == []
    assert offered(counter)["count"] == 24 and "共24期" in counter.text


@pytest.mark.parametrize("heard", ["nlu_fallback", "greet", "out_of_scope", "request_installment", "ask_plan_details"])
async def test_a_plain_yes_agrees_the_offer_whatever_intent_the_nlu_heard(chat: Chat, heard: str) -> None:
    draft = offered(await chat.send("分12期", "propose_installment"))

    turn = await chat.send("好的", heard)
    assert turn.one(AgreePlan) == terms_of(draft)
    assert "已经为您确认还款计划" in turn.text
    assert "没太听明白" not in turn.text


@pytest.mark.parametrize("heard", ["deny", "greet", "nlu_fallback"])
async def test_no_thanks_declines_the_offer_and_asks_what_would_work(chat: Chat, heard: str) -> None:
    await chat.send("分12期", "propose_installment")

    turn = await chat.send("不用了", heard)
    assert turn.of(AgreePlan) == []
    assert turn.commands == []
    assert "每期多少比较合适" in turn.text
    assert turn.slots["pending_offer"] is None
    assert turn.slots["negotiation"]["draft"] is None, "a later yes confirms nothing"

    later = await chat.send("好的", "affirm")
    assert later.of(AgreePlan) == []


async def test_too_much_leads_to_an_income_check_and_an_affordable_offer(chat: Chat) -> None:
    await chat.send("每月1500", "propose_installment")
    refused = await chat.send("太多了，我真的还不起", "cant_afford")
    assert refused.commands == [] and refused.slots["pending_offer"] == "ie_consent"
    assert "1,500.00" not in refused.text, "a refused offer is not simply repeated"

    await chat.send("可以", "affirm")
    await chat.send("4000", "inform")
    offer = await chat.send("3200", "inform")
    assert "大约能留出800.00元" in offer.text
    draft = offered(offer)

    agreed = await chat.send("好", "affirm")
    assert agreed.one(AgreePlan) == terms_of(draft)
    assert agreed.one(AgreePlan).amount <= Decimal("800.00")
    assert hub_accepts("demo-001", agreed.one(AgreePlan))


async def test_a_holiday_within_policy_after_a_recorded_hardship_is_part_of_the_agreed_plan(chat: Chat) -> None:
    await chat.send("我最近失业了", "disclose_hardship", entities=JOB_LOSS)
    await chat.send("可以", "affirm")
    granted = await chat.send("能不能先停两个月再还", "request_deferral")
    assert "可以先暂缓60天" in granted.text and granted.commands == []

    offer = await chat.send("分12期", "propose_installment")
    assert "含60天暂缓期" in offer.text
    agreed = await chat.send("好的", "affirm")
    plan = agreed.one(AgreePlan)
    # After the 60 days, back on the usual day: 2025-03-11 is day 60, the 15th follows.
    assert (plan.holiday_days, plan.hardship, plan.first_date) == (60, True, date(2025, 3, 15))
    assert plan == terms_of(offered(offer))
    assert hub_accepts("demo-001", plan)


async def test_a_holiday_beyond_policy_goes_to_a_person_with_the_request_recorded(chat: Chat) -> None:
    await chat.send("我最近失业了", "disclose_hardship", entities=JOB_LOSS)
    await chat.send("可以", "affirm")

    turn = await chat.send("能不能先停三个月再还", "request_deferral")
    handoff = turn.one(RequestHandoff)
    assert (handoff.reason, handoff.priority) == (HandoffReason.DEFERRAL, Priority.NORMAL)
    assert handoff.details["requested_holiday_days"] == 90 and handoff.details["allowed_holiday_days"] == 60
    assert "90天" in handoff.summary
    assert "暂缓90天" in turn.text and "最长60天" in turn.text and "转给他们" in turn.text
    assert turn.of(AgreePlan) == []


async def test_a_holiday_asked_before_the_hardship_is_taken_up_once_it_is_disclosed(chat: Chat) -> None:
    asked = await chat.send("能不能先停三个月再还", "request_deferral")
    assert "遇到了什么情况" in asked.text and asked.commands == []

    await chat.send("我失业了", "disclose_hardship", entities=JOB_LOSS)
    turn = await chat.send("好", "affirm")
    assert turn.one(RecordHardship).consent is True
    handoff = turn.one(RequestHandoff)
    assert handoff.reason is HandoffReason.DEFERRAL and handoff.details["requested_holiday_days"] == 90


async def test_plan_words_the_nlu_did_not_understand_go_to_the_negotiation(chat: Chat) -> None:
    turn = await chat.send("每个月还600行不", "nlu_fallback")
    assert turn.action == "action_fallback"
    assert "没太听明白" not in turn.text
    assert "每月还600.00元，共20期" in turn.text
    assert turn.slots["pending_offer"] == "plan_confirm"


async def test_a_paid_off_account_needs_no_plan(chat: Chat, db: Database) -> None:
    from sqlalchemy import update

    from kuanxian.storage.schema import borrowers

    async with db.engine.begin() as conn:
        await conn.execute(update(borrowers).where(borrowers.c.id == "demo-001").values(principal_fen=0, interest_and_fees_fen=0))
    turn = await chat.send("分12期", "propose_installment")
    assert turn.commands == [] and "没有需要还款的余额" in turn.text


async def test_ok_thanks_after_an_offer_agrees_it(chat: Chat) -> None:
    draft = offered(await chat.send("缓完以后我争取一次还清", "propose_installment"))

    turn = await chat.send("好,谢谢", "thank")
    assert turn.one(AgreePlan) == terms_of(draft)
    assert "已经为您确认还款计划" in turn.text


async def test_thanks_with_nothing_on_the_table_is_just_thanks(chat: Chat) -> None:
    turn = await chat.send("谢谢", "thank")
    assert turn.commands == []
    assert "不客气" in turn.text


async def test_paying_at_once_ruled_out_asks_for_terms_instead_of_offering_one_installment(chat: Chat) -> None:
    turn = await chat.send("一次性肯定还不上,能不能分期啊", "request_installment")
    assert "共1期" not in turn.text
    assert turn.slots["pending_offer"] != "plan_confirm", "nothing was offered"


@pytest.mark.parametrize("heard", ["promise_to_pay", "think_it_over", "thank", "nlu_fallback"])
async def test_a_holiday_now_and_the_plan_later_is_not_taken_for_a_promise(chat: Chat, heard: str) -> None:
    await chat.send("我最近失业了", "disclose_hardship", entities=JOB_LOSS)
    await chat.send("可以", "affirm")
    await chat.send("能不能先停两个月再还", "request_deferral")

    turn = await chat.send("两个月后咋还 到时候再商量吧", heard)
    assert turn.of(RecordPromise) == [], "no promise to pay on a date nobody named"
    handoff = turn.one(RequestHandoff)
    assert handoff.reason is HandoffReason.DEFERRAL and handoff.details["holiday_days"] == 60


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        ("两个月之后我找到工作再跟你们谈分期", "nlu_fallback"),
        ("嗯，到时候你在这上面提醒我一下就行，别打电话，我现在听见电话响就心慌", "remind_later"),
    ],
)
async def test_the_plan_put_off_in_other_words_after_a_holiday_is_granted_hands_the_holiday_to_a_person(
    chat: Chat, text: str, heard: str
) -> None:
    await chat.send("我最近失业了", "disclose_hardship", entities=JOB_LOSS)
    await chat.send("可以", "affirm")
    await chat.send("能不能先停两个月再还", "request_deferral")

    turn = await chat.send(text, heard)
    assert turn.of(RecordPromise) == [] and "哪一天" not in turn.text, turn.text
    handoff = turn.one(RequestHandoff)
    assert handoff.reason is HandoffReason.DEFERRAL and handoff.details["holiday_days"] == 60


async def test_a_date_moved_on_an_agreed_plan_is_a_new_first_date_not_a_promise(db: Database, chat: Chat) -> None:
    await db.add_plan("demo-001", "1000.00", 12, date(2025, 2, 5))
    turn = await chat.send("等一下，5号工资还没发，改成2月10号", "promise_to_pay")
    assert turn.of(RecordPromise) == [], turn.text
    assert offered(turn)["first_date"] == "2025-02-10" and turn.slots["pending_offer"] == "plan_confirm"


async def test_a_holiday_after_a_hardship_told_but_not_recorded_asks_to_record_it_first(chat: Chat) -> None:
    await chat.send("我最近失业了", "disclose_hardship", entities=JOB_LOSS)
    await chat.send("每月500行吗", "propose_installment")  # the consent question is left behind
    asked = await chat.send("能不能先停两个月再还", "request_deferral")
    assert asked.commands == [] and "记录" in asked.text
    assert "2期" not in asked.text and asked.slots["pending_offer"] == "hardship_consent"

    granted = await chat.send("可以", "affirm")
    assert granted.one(RecordHardship).consent is True
    assert "含60天暂缓期" in granted.text, "the 500 a month named earlier now comes with the holiday"
    assert granted.slots["hardship_recorded"] is True


async def test_without_a_record_no_plan_promises_a_frozen_interest(chat: Chat) -> None:
    await chat.send("我最近失业了", "disclose_hardship", entities=JOB_LOSS)
    offer = await chat.send("每月500", "propose_installment")
    assert "停止计息" not in offer.text
    agreed = await chat.send("好的", "affirm")
    assert agreed.one(AgreePlan).hardship is False, "the hub refuses hardship terms without a recorded Hardship"


async def test_consent_given_with_a_holiday_request_records_it_and_the_request_goes_to_a_person(chat: Chat) -> None:
    await chat.send("我爸脑梗住院了，我辞职在家照顾他", "disclose_hardship", entities=JOB_LOSS)
    await chat.send("能不能先停三个月不还", "request_deferral")
    await chat.send("两个月不够啊,医生说康复期至少三个月", "cant_afford")
    turn = await chat.send("那你帮我跟你们的人申请一下三个月行吗?困难情况可以登记", "request_deferral")
    assert len(turn.of(RecordHardship)) == 1
    handoff = turn.one(RequestHandoff)
    assert handoff.reason is HandoffReason.DEFERRAL and handoff.details["requested_holiday_days"] == 90


async def test_a_correction_that_restates_the_amount_is_not_a_yes(chat: Chat) -> None:
    first = await chat.send("每月500", "inform")
    assert offered(first)["amount"] == "500.00"

    corrected = await chat.send("500也行 挤一挤吧。但是日子不对啊 我要10号 不是7号", "inform")
    assert corrected.of(AgreePlan) == [], "a correction is not an agreement"
    assert offered(corrected)["first_date"].endswith("-10"), "the day asked for is offered"


async def test_refusing_the_offered_amount_is_not_an_offer_of_that_amount(chat: Chat) -> None:
    await chat.send("分12期", "request_installment")
    refused = await chat.send("1000我还不起 把这个计划撤了", "cant_afford")

    assert refused.of(AgreePlan) == []
    assert "每月还1,000.00元" not in refused.text


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        ("那晚一个月的话，这个6期的计划还算数吗？", "request_installment"),
        ("不对吧，刚才已经确认过了，是每月5号，6期，怎么又要确认？", "inform"),
        ("分6期，每月5号", "request_installment"),
    ],
)
async def test_the_plan_already_agreed_is_never_offered_for_confirmation_again(db: Database, text: str, heard: str) -> None:
    await db.add_plan("demo-002", "891.67", 6, date(2025, 2, 5))
    chat = Chat("demo-002")

    turn = await chat.send(text, heard)

    assert turn.slots.get("pending_offer") != "plan_confirm", "an agreed plan is not put on the table again"
    assert turn.commands == [], "nothing agreed again"
    assert "已经确认" in turn.text and "第一期在2月5日" in turn.text, "the agreed plan on its own day, not another"


async def test_after_a_question_the_agreed_plan_is_not_resumed_as_a_draft(db: Database) -> None:
    await db.add_plan("demo-002", "891.67", 6, date(2025, 2, 5))
    chat = Chat("demo-002")
    chat.slots["negotiation"] = {
        "asked": "confirm",
        "draft": {
            "amount": "891.67",
            "count": 6,
            "frequency": "monthly",
            "first_date": "2025-02-05",
            "holiday_days": 0,
            "hardship": False,
        },
    }

    turn = await chat.send("我就问一句，现在生效的是哪个计划？", "ask_plan_details")

    assert "确认吗" not in turn.text and turn.slots.get("pending_offer") != "plan_confirm"


@pytest.mark.parametrize(
    ("text", "heard"),
    [("好嘞！确认✅ 爱了爱了💕", "goodbye"), ("那确认确认～", "nlu_fallback"), ("好嘞 确认这个计划✅", "inform"), ("👌", "nlu_fallback")],
)
async def test_a_cheerful_yes_confirms_the_plan_on_the_table(db: Database, text: str, heard: str) -> None:
    chat = Chat("demo-003")
    offer = await chat.send("每月300，分10期", "propose_installment")
    draft = offered(offer)

    turn = await chat.send(text, heard)

    agreed = turn.one(AgreePlan)
    assert (str(agreed.amount), agreed.count) == (draft["amount"], draft["count"]), "the plan offered is the plan agreed"


async def test_88_after_a_plan_is_agreed_is_goodbye_not_88_yuan_a_month(db: Database) -> None:
    await db.add_plan("demo-002", "2675.00", 2, date(2025, 2, 5))
    chat = Chat("demo-002")

    turn = await chat.send("88", "inform")

    assert turn.texts == [account_texts.goodbye().text]
    assert turn.commands == [] and turn.slots.get("pending_offer") != "plan_confirm", "no new plan offered"
    again = await chat.send("拜拜", "goodbye")
    assert again.texts and again.texts[0] != turn.texts[0], "a second goodbye is not the same line again"


async def test_interest_during_a_holiday_is_answered_with_the_terms_the_borrower_takes(chat: Chat) -> None:
    await chat.send("我老公在工地上把腿摔断了 家里就靠我一个人", "disclose_hardship")
    await chat.send("可以记 没事", "affirm")
    await chat.send("能不能先停两个月再还", "request_deferral")

    turn = await chat.send("那就分24期吧 可是停的这段时间利息还算不算啊 我就怕越滚越多", "propose_installment")

    assert "共24期" in turn.text and "含60天暂缓期" in turn.text, "the terms are taken"
    assert "暂缓期和分期期间都停止计息" in turn.text, "and the question about the holiday's interest is answered plainly"
    assert turn.slots.get("pending_offer") == "plan_confirm"


async def test_moving_an_agreed_plan_to_a_later_day_never_brings_the_first_payment_earlier(db: Database) -> None:
    await db.add_plan("demo-003", "300.00", 10, date(2025, 2, 10))
    chat = Chat("demo-003")

    turn = await chat.send("每个月10号能改到20号吗 我发工资的日子变了", "propose_installment")

    draft = offered(turn)
    assert draft["first_date"] == "2025-02-20", "the 20th after the payment already due on 10 February, not 20 January"


async def test_how_to_change_the_card_is_answered(db: Database) -> None:
    chat = Chat("demo-003")
    turn = await chat.send("亲亲我又来啦😂 想问下扣款的那张卡怎么换呀 我换了张新的借记卡💳", "nlu_fallback")
    assert "银行卡管理" in turn.text and "没太" not in turn.text and turn.commands == []


async def test_a_conditional_question_about_the_plan_on_the_table_is_not_a_yes(chat: Chat) -> None:
    await chat.send("每月500", "propose_installment")
    turn = await chat.send("要是查出来我上个月500确实付过的 这个计划会改伐", "propose_installment")
    assert turn.of(AgreePlan) == [], "a what-if about the plan never agrees it"


async def test_an_agreed_plan_every_two_weeks_stays_every_two_weeks_when_asked_about(db: Database) -> None:
    from kuanxian.plans import build_schedule
    from kuanxian.storage import plans as plan_store

    async with db.engine.begin() as conn:
        schedule = build_schedule(Decimal("3000.00"), Decimal("100.00"), 30, Frequency.BIWEEKLY, date(2025, 1, 20))
        await plan_store.save_plan(conn, "demo-003", schedule, runtime.now(), agreed_by="assistant")
    chat = Chat("demo-003")

    turn = await chat.send("每两周100 从1月20号开始 对吧", "propose_installment")

    assert "最低还款额" not in turn.text and "超过了最长" not in turn.text, "the agreed plan is within policy as agreed"
    assert turn.slots.get("pending_offer") != "plan_confirm"


async def test_a_new_day_asked_with_a_time_zone_question_is_taken_and_the_zone_said(db: Database) -> None:
    chat = Chat("demo-003")
    await chat.send("分10个月，一个月300", "propose_installment")

    turn = await chat.send("每月15号扣，我15号发工资。是按纽约时间还是北京时间算15号？", "propose_installment")

    assert offered(turn)["first_date"].endswith("-15"), "the 15th is taken"
    assert "美国东部时间" in turn.text


async def test_the_month_to_start_and_the_date_said_apart_move_the_first_payment_there(db: Database) -> None:
    chat = Chat("demo-003")
    await chat.send("一个月还三百可以吗 十个月还完", "propose_installment")
    moved = await chat.send("从下个月开始 2月20号", "set_payment_date")
    assert offered(moved)["first_date"] == "2025-02-20", "not the default first date again"
    assert "第一期在2月20日" in moved.text


async def test_a_yes_said_twice_with_thanks_and_a_goodbye_confirms_the_plan(chat: Chat) -> None:
    offer = await chat.send("每个月还五百 分二十四期", "propose_installment")
    draft = offered(offer)
    bye = await chat.send("好的好的 谢谢你啊 麻烦你了 我去接孙子了", "thank")
    assert bye.one(AgreePlan) == terms_of(draft)
    assert "已经为您确认还款计划" in bye.text


async def test_the_fear_of_the_whole_balance_falling_due_is_answered(chat: Chat) -> None:
    await chat.send("每个月还五百 分二十四期", "propose_installment")
    worry = await chat.send("那不会一下子就说我违约 要我全部还吧 我有点担心", "nlu_fallback")
    assert "没太明白" not in worry.text
    assert "某一期还不上" in worry.text


async def test_a_plan_offered_twice_then_taken_with_a_question_about_interest_is_agreed_and_the_question_answered(chat: Chat) -> None:
    await chat.send("一个月还三百行不行", "propose_installment")
    await chat.send("三百行不行", "propose_installment")
    await chat.send("这个金额还是太多", "cant_afford")
    taken = await chat.send("不是 五百我咬咬牙可以的 每个月五百 就是分期了以后利息还加不加", "propose_installment")
    plan = taken.one(AgreePlan)
    assert (plan.amount, plan.count) == (Decimal("500.00"), 24)
    assert "利息" in taken.text
    assert taken.of(RequestHandoff) == []


async def test_consent_with_a_holiday_beyond_policy_in_the_same_breath_records_and_takes_the_request_to_a_person(db: Database) -> None:
    chat = Chat("demo-002")  # holidays up to 30 days, at most 12 months
    await chat.send("在吗 我上周出车祸腿断了 送不了外卖了", "disclose_hardship")
    both = await chat.send("可以记 就是起码俩月没收入 能不能先停俩月不还 之后再分期", "request_deferral")
    assert both.one(RecordHardship).consent is True
    handoff = both.one(RequestHandoff)
    assert handoff.reason is HandoffReason.DEFERRAL and handoff.details["requested_holiday_days"] == 60
    which = await chat.send("啥意思 到底是30还是60啊 说清楚点", "request_deferral")
    assert "60元" not in which.text and "最长可以先暂缓30天" in which.text
    titles = [b["title"] for m in which.messages for b in (m.get("buttons") or [])]
    assert "分24期" not in titles and "分12期" in titles, titles


async def test_keep_the_agreed_plan_as_it_is_is_not_a_new_offer(db: Database, chat: Chat) -> None:
    await db.add_plan("demo-001", "500.00", 24, days(10))
    turn = await chat.send("不要改！就按刚才确认的那个，我只是问6号那个是不是记错了", "set_payment_date")
    assert turn.commands == [] and turn.slots["pending_offer"] is None
    assert "已经确认" in turn.text or "一直有效" in turn.text, turn.text


async def test_every_two_weeks_said_as_two_weeks_once_is_biweekly_and_the_first_time_is_the_first_date(db: Database) -> None:
    chat = Chat("demo-003")  # monthly or every two weeks
    offer = await chat.send("能不能也两个礼拜还一次？每次还250，人民币哈", "propose_installment")
    assert offered(offer)["frequency"] == "biweekly" and "每两周还250.00元" in offer.text
    moved = await chat.send("第一次就2月7号嘛，那天星期五，我发工资", "promise_to_pay")
    assert offered(moved)["first_date"] == "2025-02-07", moved.text


@pytest.mark.parametrize("intent", ["propose_installment", "affirm"])
async def test_the_offer_checked_in_rough_words_stays_the_offer(db: Database, intent: str) -> None:
    chat = Chat("demo-003")
    offer = await chat.send("能不能也两个礼拜还一次？每次还250，人民币哈", "propose_installment")
    before = offered(offer)
    checked = await chat.send("嗯，那就是差不多半年还完对不对", intent)
    after = offered(checked)
    assert "没太明白" not in checked.text, checked.text
    assert (after["count"], after["frequency"], after["amount"]) == (before["count"], before["frequency"], before["amount"]), checked.text


async def test_when_payments_start_asked_with_a_plan_on_the_table_is_its_first_payment(chat: Chat) -> None:
    offer = await chat.send("每个月还500 分24个月", "propose_installment")
    first = offered(offer)["first_date"]
    asked = await chat.send("那以后是几号开始还？", "ask_due_date")
    assert "下一个还款日" not in asked.text and asked.slots["pending_offer"] == "plan_confirm"
    assert f"第一期在{int(first[5:7])}月{int(first[8:10])}日" in asked.text, (first, asked.text)


async def test_interest_asked_about_with_a_plan_on_the_table_keeps_the_plan_on_the_table(chat: Chat) -> None:
    await chat.send("每个月还500 分24个月", "propose_installment")
    asked = await chat.send("这两个月利息还会涨吗", "request_fee_relief")
    assert asked.slots["pending_offer"] == "plan_confirm", asked.text
    yes = await chat.send("好，谢谢，那我安心去做手术了", "thank")
    yes.one(AgreePlan)


@pytest.mark.parametrize("said", ["500……有点紧，咬咬牙可以", "是有点多，不过也行吧"])
async def test_a_doubt_then_a_yes_heard_as_no_takes_the_offer(chat: Chat, said: str) -> None:
    await chat.send("每个月还500 分24个月", "propose_installment")
    taken = await chat.send(said, "deny")
    assert any(isinstance(c, AgreePlan) for c in taken.commands), taken.text


async def test_a_no_with_other_terms_is_not_a_yes(chat: Chat) -> None:
    await chat.send("每个月还500 分24个月", "propose_installment")
    turn = await chat.send("不行，300可以", "deny")
    assert not any(isinstance(c, AgreePlan) for c in turn.commands), turn.text


async def test_the_plan_restated_and_confirmed_with_a_question_is_agreed(db: Database) -> None:
    chat = Chat("demo-002")
    await chat.send("分10个月，每月8号", "propose_installment")
    turn = await chat.send("我没要人工啊 我就要确认分期 10个月535每月8号 到底定了没", "propose_installment")
    assert any(isinstance(c, AgreePlan) for c in turn.commands), turn.text
    assert "不再重复" not in turn.text


@pytest.mark.parametrize("intent", ["think_it_over", "deny", "affirm"])
async def test_a_yes_in_so_many_words_after_i_wont_repeat_it_takes_the_plan(db: Database, intent: str) -> None:
    chat = Chat("demo-002")
    await chat.send("分10个月，每月8号", "propose_installment")
    await chat.send("啊？？就刚才那个10个月535的 你咋又给我改了？", "propose_installment")
    last = await chat.send("10个月535每月8号 对不对？", "propose_installment")
    assert "不再重复" in last.text, last.text
    turn = await chat.send("适合啊！！我同意了 确认 确认 确认", intent)
    agreed = [c for c in turn.commands if isinstance(c, AgreePlan)]
    assert agreed and agreed[0].count == 10, turn.text


async def test_confirming_the_plan_after_an_offer_of_a_person_confirms_the_plan(db: Database) -> None:
    chat = Chat("demo-002")
    await chat.send("分10个月，每月8号", "propose_installment")
    offer = await chat.send("罚息能不能免了", "request_fee_relief")
    assert offer.slots["pending_offer"] == "transfer_offer", offer.text
    turn = await chat.send("算了 罚息不问了 确认这个计划", "affirm")
    assert any(isinstance(c, AgreePlan) for c in turn.commands), turn.text
    assert not any(isinstance(c, RequestHandoff) for c in turn.commands)


async def test_payments_starting_after_a_few_months_is_a_holiday_asked_for(db: Database) -> None:
    chat = Chat("demo-003")  # holiday up to 90 days for hardship
    await chat.send("我上个月美甲店的工作没了，现在还在找", "disclose_hardship")
    asked = await chat.send("能不能过三个月再开始还？", "request_deferral")
    assert asked.slots["pending_offer"] == "hardship_consent" and "90天" in asked.text, asked.text
    await chat.send("可以，登记吧，我确实是没工作了", "affirm")
    offer = await chat.send("等开始以后每个月还200行吗，每月28号", "propose_installment")
    draft = offered(offer)
    assert draft["holiday_days"] == 90 and draft["first_date"].endswith("-28"), offer.text


async def test_questions_about_the_plan_on_the_table_are_answered_and_her_own_plan_is_never_refused(db: Database) -> None:
    """Round 6 (tester o): questions about the end of the plan, a check in her own words, her own plan asked for again."""
    chat = Chat("demo-001")
    await chat.send("你好 我这个欠款想分期还 一个月600左右可以吗", "propose_installment")
    offer = await chat.send("7号不行 我25号发工资 能不能每个月25号还", "set_payment_date")
    assert (offered(offer)["amount"], offered(offer)["first_date"][-2:]) == ("600.00", "25")
    after = await chat.send("那还完最后一期是不是就了结了 后面还会不会有别的钱要交", "nlu_fallback")
    assert "利息" in after.text and "没太明白" not in after.text, after.text
    check = await chat.send("先不确认 你先回答我 12000还完20期就清了对吧 利息还算不算", "propose_installment")
    assert check.slots["pending_offer"] == "plan_confirm" and "共1期" not in check.text, check.text
    assert "每期600.00元，共20期" in check.text, "the check answered with the plan on the table"
    again = await chat.send("不是不是 我哪有12000一次还 还是每月600 25号那个", "propose_installment")
    assert "不再重复" not in again.text and offered(again)["amount"] == "600.00", again.text
    agreed = await chat.send("适合的 我就要每月600 每月25号 20期那个 你给我定下来", "propose_installment")
    plans = [c for c in agreed.commands if isinstance(c, AgreePlan)]
    assert plans and (plans[0].amount, plans[0].count, plans[0].first_date.day) == (Decimal("600.00"), 20, 25), agreed.text


async def test_the_day_kept_with_a_plan_on_the_table_heard_as_a_due_date_question_sets_the_day(db: Database) -> None:
    chat = Chat("demo-002")
    offer = await chat.send("房东涨房租了，900多有点吃紧，改成每个月600，20号扣行不行", "propose_installment")
    assert offered(offer)["first_date"].endswith("-20")
    kept = await chat.send("可以，还款日还是5号不变", "ask_due_date")
    assert offered(kept)["first_date"].endswith("-05"), kept.text


async def test_the_whole_debt_named_is_not_an_amount_per_month(db: Database) -> None:
    chat = Chat("demo-003")  # owes 3,000.00
    await chat.send("我上个月美甲店的工作没了，现在还在找", "disclose_hardship")
    turn = await chat.send("这3000我会还的，就是现在真的没有收入", "disclose_hardship")
    assert "3,000.00元，共1期" not in turn.text and turn.commands == [], turn.text


async def test_consent_in_so_many_words_after_a_question_about_a_hardship_is_no_yes_to_the_plan(chat: Chat) -> None:
    await chat.send("每个月还500 分24个月", "propose_installment")
    asked = await chat.send("能不能先缓一个月", "request_deferral")
    assert "情况" in asked.text, asked.text
    turn = await chat.send("同意记录", "affirm")
    assert not any(isinstance(c, AgreePlan) for c in turn.commands), "the plan asked about before the holiday is not agreed"


async def test_a_bare_small_number_after_the_longest_term_is_months_not_yuan(chat: Chat) -> None:
    # c18-01: "最多24啊…那24吧" after 36 months was refused, then "那18个月 18": months each time, never 24 or 18 yuan.
    await chat.send("36个月行吗", "propose_installment")
    took = await chat.send("最多24啊…那24吧", "propose_installment")
    assert "24元" not in took.text
    assert took.one(AgreePlan).count == 24, "the 24 months on the table, taken"
    chat2 = Chat("demo-001")
    eighteen = await chat2.send("那18个月 18", "propose_installment")
    assert "18元" not in eighteen.text and offered(eighteen)["count"] == 18, eighteen.text


async def test_a_small_amount_with_a_money_word_is_still_money(chat: Chat) -> None:
    turn = await chat.send("一个月还20行不行", "propose_installment")
    assert "300" in turn.text, "below the smallest installment, said so"
    assert turn.slots.get("pending_offer") != "plan_confirm" or offered(turn)["count"] != 20


async def test_a_holiday_of_no_stated_length_is_a_holiday_not_installments(db: Database) -> None:
    chat = Chat("demo-003")
    turn = await chat.send("hi 我想问下能不能先停几个月", "request_deferral")
    assert "每期大概能还多少" not in turn.text and "90天" in turn.text, turn.text


async def test_what_is_owed_after_a_holiday_asked_is_not_an_offer_of_one_installment(db: Database) -> None:
    chat = Chat("demo-003")
    turn = await chat.send("停完之后是要一次还3000吗 还是还能分期", "request_installment")
    assert "共1期" not in turn.text and "3,000.00元，共" not in turn.text, turn.text


async def test_a_holiday_said_as_later_is_the_holiday_not_a_reminder_date(db: Database) -> None:
    chat = Chat("demo-003")
    turn = await chat.send("那到时候再说吧 先停3个月", "remind_later")
    assert "哪一天" not in turn.text and "暂缓" in turn.text, turn.text


@pytest.mark.parametrize("said", ["好，那你帮我定下来", "行 就这么定了"])
async def test_settling_the_offer_in_a_few_words_agrees_it(chat: Chat, said: str) -> None:
    await chat.send("每月500", "inform")
    turn = await chat.send(said, "nlu_fallback")
    assert turn.one(AgreePlan).amount == Decimal("500.00")


async def test_more_words_about_a_holiday_while_its_hardship_question_is_open_stay_with_the_holiday(chat: Chat) -> None:
    # c20-06: the consent question went unanswered; "过完年就能还" was then asked for a promise date.
    await chat.send("我爹上礼拜走了 钱都寄回家办丧事了", "disclose_hardship")
    await chat.send("这俩月手里没钱了 能不能先缓缓", "request_deferral")
    again = await chat.send("缓两个月中不", "propose_installment")
    later = await chat.send("两个月就够 过完年活多了就能还", "remind_later")
    assert "哪一天" not in later.text and "每月还" not in later.text, later.text
    assert again.text != later.text, "the same question is not asked a third time"


async def test_an_amount_each_time_is_not_one_installment(db: Database) -> None:
    chat = Chat("demo-003")  # every two weeks is allowed
    await chat.send("能不能两周还一次", "request_installment")
    turn = await chat.send("一次还300行不", "propose_installment")
    assert offered(turn)["amount"] == "300.00" and offered(turn)["count"] == 10, turn.text


async def test_the_latest_start_asked_for_is_the_longest_holiday(chat: Chat) -> None:
    await chat.send("我开了个小饭馆，今年冬天生意太差了", "disclose_hardship")
    turn = await chat.send("最晚能推到什么时候？就按最晚的来", "ask_due_date")
    assert "60天" in turn.text and "还款日是每月15号" not in turn.text, turn.text


async def test_moving_the_day_of_an_agreed_plan_keeps_its_holiday(db: Database) -> None:
    # c21-04: "还是每个月15号还" after a plan with a 60-day holiday was agreed dropped the holiday.
    await db.add_hardship("demo-001")
    await db.add_plan("demo-001", "500.00", 24, days(56), holiday_days=60)
    chat = Chat("demo-001")
    turn = await chat.send("还是每个月15号还，跟原来一样", "set_payment_date")
    assert offered(turn)["holiday_days"] == 60 and "暂缓" in turn.text, turn.text


async def test_a_day_moved_a_little_on_an_agreed_plan_lands_near_the_next_payment_not_within_days(db: Database) -> None:
    chat = Chat("demo-001")
    await db.add_plan("demo-001", "500.00", 24, date(2025, 2, 15))
    turn = await chat.send("我退休金是10号到账 能不能定在每个月12号", "set_payment_date")
    assert offered(turn)["first_date"] == "2025-02-12", turn.text


async def test_comfort_waved_off_heard_as_a_goodbye_goes_on_with_the_open_question(chat: Chat) -> None:
    await chat.send("我爹上礼拜走了 钱都寄回家办丧事了", "disclose_hardship")
    asked = await chat.send("这俩月手里没钱了 能不能先缓缓", "request_deferral")
    turn = await chat.send("我没事 你别安慰了 就是这阵子紧", "goodbye")
    assert turn.texts[0] == account_texts.back_to_business().text and "感谢您的时间" not in turn.text, turn.texts
    assert len(turn.texts) == 2 and turn.slots["pending_offer"] == asked.slots["pending_offer"] is not None, turn.texts
