"""Promises and reminders, reminders off and on, disputes, the wrong person, not understanding twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from actionkit import Chat, Database

from actions import runtime
from kuanxian.commands import (
    AgreePlan,
    MarkWrongContact,
    OpenDispute,
    OptIn,
    OptOut,
    RecordPromise,
    RequestHandoff,
    ScheduleReminder,
    WithdrawDispute,
)
from kuanxian.domain.handoff import HandoffReason, Priority

SHANGHAI = ZoneInfo("Asia/Shanghai")
# What would tell a stranger something about 王女士's account (demo-001), or the plan on the table.
ACCOUNT_DETAIL = ("王女士", "12,000", "11,200", "800.00", "15号", "15天", "1月15日", "1,000.00", "2月10日")


async def test_a_promise_with_a_date_is_recorded_and_a_reminder_offered(chat: Chat) -> None:
    turn = await chat.send("我1月20号还", "promise_to_pay")

    assert turn.commands == [RecordPromise(date(2025, 1, 20), None, remind=False)]
    assert "1月20日（周一）还款" in turn.text and "需要我在那天上午提醒您一次吗" in turn.text
    assert turn.slots["pending_offer"] == "reminder_offer"


async def test_then_remind_me_schedules_a_reminder_on_the_promised_day(chat: Chat) -> None:
    await chat.send("我1月20号还", "promise_to_pay")

    turn = await chat.send("到时候提醒我", "remind_later")
    assert turn.commands == [ScheduleReminder(datetime(2025, 1, 20, 10, 0, tzinfo=SHANGHAI), "follow_up", "borrower_request")]
    reminder = turn.one(ScheduleReminder)
    assert reminder.send_at.astimezone(SHANGHAI).date() == date(2025, 1, 20)
    assert "1月20日（周一）上午提醒您" in turn.text
    assert turn.of(RecordPromise) == [], "the promise is not recorded twice"


async def test_a_yes_to_the_reminder_offer_schedules_it_and_an_amount_is_kept_with_the_promise(chat: Chat) -> None:
    promise = await chat.send("我下周五能还800", "promise_to_pay")
    assert promise.one(RecordPromise) == RecordPromise(date(2025, 1, 17), Decimal("800.00"), remind=False)

    yes = await chat.send("好的", "affirm")
    assert yes.one(ScheduleReminder).send_at == datetime(2025, 1, 17, 10, 0, tzinfo=SHANGHAI)


async def test_everything_on_a_day_with_a_worry_asked_after_it_is_a_promise_not_a_plan_of_one(chat: Chat) -> None:
    turn = await chat.send("那我下个月二十号一次还一万二，够不够，会不会到那天又涨了", "propose_installment")
    assert turn.of(AgreePlan) == [] and "共1期" not in turn.text, turn.text
    assert turn.one(RecordPromise).promised_for == date(2025, 2, 20)


async def test_no_installments_said_after_the_promise_keeps_the_promise_without_asking_its_day_again(chat: Chat) -> None:
    await chat.send("我2月20号一次还清", "promise_to_pay")
    turn = await chat.send("分期我不要，说了不要，我就想一次弄完省心", "request_installment")
    assert turn.commands == [] and "哪一天" not in turn.text, turn.text
    assert "不分期" in turn.text and "2月20日" in turn.text
    again = await chat.send("我说的二十号是阳历，二月二十号", "inform", action="action_fallback")
    assert again.of(RecordPromise) == [] and "已经记下了" in again.text and "2月20日" in again.text, again.text
    moved = await chat.send("我说错了，是2月22号", "inform", action="action_fallback")
    assert moved.one(RecordPromise).promised_for == date(2025, 2, 22), moved.text


async def test_no_installments_with_a_plan_offered_agrees_nothing_and_asks_the_day(chat: Chat) -> None:
    offer = await chat.send("每个月还五百 分二十四期", "propose_installment")
    assert offer.slots["pending_offer"] == "plan_confirm"
    turn = await chat.send("分期我不要", "request_installment")
    assert turn.of(AgreePlan) == [], "a no to installments is never a yes to the plan on the table"
    assert "哪一天" in turn.text and turn.slots["awaiting"] == "promise_date"


async def test_a_promise_without_a_date_is_asked_for_one_and_a_bare_date_answers_it(chat: Chat) -> None:
    asked = await chat.send("我会尽快还的", "promise_to_pay")
    assert asked.commands == [] and "哪一天" in asked.text
    assert asked.slots["awaiting"] == "promise_date"

    answered = await chat.send("25号", "inform")
    assert answered.one(RecordPromise).promised_for == date(2025, 1, 25)


async def test_a_reminder_is_at_ten_in_the_borrowers_own_time_zone(db: Database) -> None:
    chat = Chat("demo-003")  # New York
    await chat.send("我1月20号还", "promise_to_pay")
    reminder = (await chat.send("好的", "affirm")).one(ScheduleReminder)
    assert reminder.send_at == datetime(2025, 1, 20, 10, 0, tzinfo=ZoneInfo("America/New_York"))


async def test_after_opting_out_no_reminder_is_promised(chat: Chat, db: Database) -> None:
    await db.set_flags("demo-001", opted_out=True)  # the hub applied an earlier OptOut
    turn = await chat.send("我1月20号还", "promise_to_pay")
    assert turn.of(RecordPromise) and turn.of(ScheduleReminder) == []
    assert "需要我在那天上午提醒您" not in turn.text and "恢复提醒" in turn.text
    assert turn.slots["pending_offer"] is None


async def test_stop_and_resume_contact(chat: Chat) -> None:
    stop = await chat.send("别再给我发消息了", "stop_contact")
    assert stop.commands == [OptOut()]
    assert "关闭主动还款提醒" in stop.text and "恢复提醒" in stop.text

    resume = await chat.send("恢复提醒吧", "resume_contact")
    assert resume.commands == [OptIn()]
    assert "恢复还款提醒" in resume.text


async def test_a_dispute_is_opened_and_a_person_asked_for(chat: Chat) -> None:
    words = "这笔钱我上个月已经还过了"
    turn = await chat.send(words, "dispute_debt")

    assert [type(c) for c in turn.commands] == [OpenDispute, RequestHandoff], "the dispute first, then the person"
    assert turn.one(OpenDispute).summary == words
    handoff = turn.one(RequestHandoff)
    assert (handoff.reason, handoff.priority) == (HandoffReason.DISPUTE, Priority.HIGH)
    assert words in handoff.summary
    assert "记录了您的异议" in turn.text and "转接工作人员" in turn.text


async def test_the_wrong_person_is_apologised_to_and_told_nothing(chat: Chat) -> None:
    turn = await chat.send("你们找错人了，这不是我的账户", "wrong_person")

    assert turn.commands == [MarkWrongContact()]
    assert "抱歉打扰" in turn.text
    assert not [d for d in ACCOUNT_DETAIL if d in turn.text]
    assert turn.slots["wrong_person"] is True


ANYTHING = [
    ("你好", "greet"),
    ("他欠多少钱", "ask_balance"),
    ("什么时候要还", "ask_due_date"),
    ("怎么还", "ask_payment_method"),
    ("不还会怎样", "ask_consequences"),
    ("会不会找他家人", "ask_collection_practices"),
    ("他的计划呢", "ask_plan_details"),
    ("分12期", "propose_installment"),
    ("好的", "affirm"),
    ("不用", "deny"),
    ("12", "inform"),
    ("利息能免吗", "request_fee_relief"),
    ("他失业了", "disclose_hardship"),
    ("他20号还", "promise_to_pay"),
    ("别发了", "stop_contact"),
    ("这钱不对", "dispute_debt"),
    ("转人工", "request_human"),
    ("你们太过分了", "complain"),
    ("唉", "express_distress"),
    ("啊？", "nlu_fallback"),
    ("天气怎么样", "out_of_scope"),
    ("提前还清可以吗", "ask_early_repayment"),
    ("没还上怎么办", "ask_missed_payment"),
]


@pytest.mark.parametrize(("text", "intent"), ANYTHING, ids=[i for _, i in ANYTHING])
async def test_after_a_wrong_person_nothing_about_the_account_is_said_or_changed(chat: Chat, text: str, intent: str) -> None:
    await chat.send("我不是他，你们打错了", "wrong_person")
    chat.slots.update(
        pending_offer="plan_confirm",
        negotiation={
            "asked": "confirm",
            "draft": {
                "amount": "1000.00",
                "count": 12,
                "frequency": "monthly",
                "first_date": "2025-02-10",
                "holiday_days": 0,
                "hardship": False,
            },
        },
    )  # whatever was on the table before

    turn = await chat.send(text, intent)
    assert not [d for d in ACCOUNT_DETAIL if d in turn.text], turn.text
    assert {type(c) for c in turn.commands} <= {RequestHandoff, MarkWrongContact}, turn.commands


async def test_not_understood_twice_offers_a_person_and_yes_hands_off(chat: Chat) -> None:
    first = await chat.send("嗯嗯啊那个", "nlu_fallback")
    assert "没太听明白" in first.text and first.commands == []
    assert first.slots.get("pending_offer") is None

    second = await chat.send("就是那个啥", "nlu_fallback")
    assert "请工作人员来帮您" in second.text and second.text != first.text, "never the same apology twice"
    assert {"title": "请工作人员来", "payload": "/affirm"} in second.buttons
    assert second.slots["pending_offer"] == "transfer_offer" and second.commands == []

    yes = await chat.send("好", "affirm")
    assert yes.one(RequestHandoff).reason is HandoffReason.REQUEST_HUMAN
    assert "申请转接人工" in yes.text


async def test_understanding_in_between_starts_the_count_again(chat: Chat) -> None:
    await chat.send("嗯嗯啊那个", "nlu_fallback")
    await chat.send("我欠多少", "ask_balance")
    again = await chat.send("就是那个啥", "nlu_fallback")
    assert "没太听明白" in again.text and again.slots.get("pending_offer") is None


async def test_distress_the_hub_flagged_brings_a_person_and_pauses_reminders(chat: Chat) -> None:
    turn = await chat.send("我真的撑不下去了，每天都睡不着", "express_distress", metadata={"safety": "distress"})
    handoff = turn.one(RequestHandoff)
    assert (handoff.reason, handoff.priority) == (HandoffReason.DISTRESS, Priority.HIGH)
    assert "12,000" not in turn.text, "no debt talk"


async def test_the_clock_is_the_tests(chat: Chat) -> None:
    assert runtime.now().astimezone(SHANGHAI).time() == time(10, 0)


AFTERNOON = datetime(2025, 1, 10, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai


async def test_a_reminder_the_assistant_promises_for_today_is_one_the_hub_will_schedule(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime, "clock", lambda: AFTERNOON)
    chat = Chat("demo-001")
    await chat.send("我今天晚上还", "promise_to_pay")

    turn = await chat.send("到时候提醒我", "remind_later")
    schedulable = [r for r in turn.of(ScheduleReminder) if r.send_at >= AFTERNOON - timedelta(hours=1)]
    assert "提醒您" not in turn.text or schedulable, (turn.text, turn.commands)


async def test_ok_to_reminders_off_does_not_agree_a_plan_offered_earlier(chat: Chat) -> None:
    await chat.send("分12期", "propose_installment")
    await chat.send("别再给我发消息了", "stop_contact")

    turn = await chat.send("好的", "affirm")
    assert turn.of(AgreePlan) == []


@pytest.mark.parametrize("text", ["不是不还,就是觉得这几天确实是特殊情况", "你好，这个钱我知道逾期了，我不是不还"])
@pytest.mark.parametrize("heard", ["dispute_debt", "wrong_person"])
async def test_a_dispute_or_wrong_number_the_words_do_not_say_changes_nothing(chat: Chat, text: str, heard: str) -> None:
    turn = await chat.send(text, heard)
    assert turn.commands == [], "no dispute opened, no contact marked wrong"
    assert not turn.slots.get("wrong_person")


@pytest.mark.parametrize(("text", "heard"), [("这钱不是我借的", "dispute_debt"), ("你们打错了，我不认识这个人", "wrong_person")])
async def test_a_dispute_or_wrong_number_said_plainly_is_acted_on(chat: Chat, text: str, heard: str) -> None:
    turn = await chat.send(text, heard)
    assert turn.commands, "the hub is told"


async def test_a_day_of_the_month_said_while_a_plan_is_on_the_table_moves_the_plan_not_a_promise(chat: Chat) -> None:
    offered = await chat.send("分24个月，每个月500", "propose_installment")
    assert offered.slots["pending_offer"] == "plan_confirm"

    moved = await chat.send("15号我工资还没发下来，能不能改到每个月20号", "promise_to_pay")
    assert moved.of(RecordPromise) == [], "a plan's day is not a promise to pay on the 15th"
    assert "每月还500.00元，共24期" in moved.text and "20日" in moved.text
    assert moved.slots["pending_offer"] == "plan_confirm"


async def test_a_holiday_said_like_a_date_is_a_holiday_request(chat: Chat) -> None:
    turn = await chat.send("我想问问能不能先停一停 过两个月再还", "promise_to_pay")
    assert turn.of(RecordPromise) == []
    assert "暂缓" in turn.text


async def test_the_first_date_asked_about_an_offer_on_the_table_is_answered_from_the_offer(chat: Chat) -> None:
    await chat.send("分24个月，每个月500", "propose_installment")
    turn = await chat.send("第一期是哪天还？", "ask_plan_details")
    assert "还没有确定的还款计划" not in turn.text
    assert "第一期在" in turn.text and turn.slots["pending_offer"] == "plan_confirm"


async def test_a_payment_made_at_the_bank_said_as_a_mistake_opens_a_dispute_even_when_heard_as_a_wrong_number(chat: Chat) -> None:
    turn = await chat.send("你们是不是弄错了 我这个月的钱三号就去银行柜台交了 怎么还说我逾期", "wrong_person")
    assert turn.of(MarkWrongContact) == []
    assert turn.one(OpenDispute).summary.startswith("你们是不是弄错了")
    assert turn.one(RequestHandoff).reason is HandoffReason.DISPUTE


async def test_asking_for_reminders_in_the_daytime_keeps_them_on_and_says_when_they_come(chat: Chat) -> None:
    turn = await chat.send("你们能不能别半夜发消息，我这边凌晨手机一直响", "stop_contact")

    assert turn.commands == [], "reminders stay on: the borrower asked when, not whether"
    assert "白天" in turn.text and "停止提醒" in turn.text

    stop = await chat.send("算了，把提醒全部关掉", "stop_contact")
    assert stop.commands == [OptOut()]


async def test_a_questioned_amount_the_classifier_missed_still_opens_a_dispute(chat: Chat) -> None:
    words = "本金11200??? 不可能 合同上写的就是8000"
    turn = await chat.send(words, "nlu_fallback")

    assert [type(c) for c in turn.commands] == [OpenDispute, RequestHandoff]
    assert "没太听明白" not in turn.text and "记录了您的异议" in turn.text


async def test_confirming_a_plan_and_asking_for_daytime_reminders_in_one_message_does_both(chat: Chat) -> None:
    offer = await chat.send("每月500", "inform")
    assert offer.slots["pending_offer"] == "plan_confirm"

    turn = await chat.send("确认。还有，提醒放白天发，别半夜发", "stop_contact")
    assert [type(c) for c in turn.commands] == [AgreePlan], "the plan agreed, reminders left on"
    assert "已经为您确认还款计划" in turn.text and "白天" in turn.text


async def test_fees_asked_off_in_a_promise_go_to_fee_relief_not_a_date_question(chat: Chat) -> None:
    turn = await chat.send("本金我认，这800你们给我免了，我这个月就凑齐", "promise_to_pay")

    assert "哪一天" not in turn.text
    assert turn.of(RecordPromise) == []
    assert turn.slots["topic"] == "fee_relief" and turn.slots["pending_offer"] == "transfer_offer", "a person offered for the fees"


async def test_a_worry_about_later_with_a_date_in_it_is_answered_not_recorded_as_a_promise(chat: Chat) -> None:
    turn = await chat.send("那30天后我还没找到工作咋办", "promise_to_pay")

    assert turn.of(RecordPromise) == [] and "哪一天" not in turn.text
    assert "还不上" in turn.text, "what happens if they cannot pay is answered"


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        ("OK另外一个事，我上夜班，白天要睡觉，纽约时间早上8点到下午4点不要给我发提醒好吗", "complain"),
        ("提醒的时间你们能设置吗？可以还是不可以，告诉我就行", "promise_to_pay"),
    ],
)
async def test_when_reminders_come_is_answered_not_taken_as_a_complaint_or_a_date(db: Database, text: str, heard: str) -> None:
    chat = Chat("demo-003")

    turn = await chat.send(text, heard)

    assert turn.commands == [], "no complaint handoff, nothing turned off"
    assert "早上8点到晚上9点" in turn.text and "您打算哪一天还" not in turn.text


@pytest.mark.parametrize(
    ("text", "heard"),
    [("算了算了，就算是5号吧。我20号发工资，20号一次还清", "propose_installment"), ("分期不用，20号全部还", "nlu_fallback")],
)
async def test_everything_on_one_day_is_a_promise_on_that_day_not_a_one_installment_plan(db: Database, text: str, heard: str) -> None:
    chat = Chat("demo-002")

    turn = await chat.send(text, heard)

    promise = turn.one(RecordPromise)
    assert promise.promised_for.day == 20, "the day paying is said on, not the due day mentioned before it"
    assert turn.slots.get("pending_offer") != "plan_confirm", "no plan of one installment"


async def test_a_person_asked_for_as_such_is_request_human_and_more_time_asked_of_a_person_is_deferral(db: Database) -> None:
    from kuanxian.commands import RequestHandoff
    from kuanxian.domain.handoff import HandoffReason

    chat = Chat("demo-001")
    await chat.send("先停两个月再开始呢？停完还是500？", "request_deferral")
    manager = await chat.send("对，转人工，要经理", "request_human")
    assert manager.one(RequestHandoff).reason is HandoffReason.REQUEST_HUMAN

    other = Chat("demo-002", conversation_id="c0ffee00c0ffee00c0ffee00c0ffee01")
    more_time = await other.send("那你帮我问问你们管事的人 能不能多宽限些日子", "request_human")
    assert more_time.one(RequestHandoff).reason is HandoffReason.DEFERRAL


async def test_an_angry_word_about_too_many_reminders_is_offered_a_stop_and_a_person_not_sent_one(db: Database) -> None:
    from kuanxian.commands import RequestHandoff

    chat = Chat("demo-002")
    turn = await chat.send("你们天天发消息烦不烦啊？？才晚了三天就催催催，有完没完", "complain")
    assert turn.of(RequestHandoff) == [] and "停止提醒" in [b["title"] for b in turn.buttons]

    serious = await chat.send("我要投诉 昨天有人打电话到我隔壁邻居家 说我欠钱不还", "complain")
    assert serious.of(RequestHandoff), "someone else contacted: a person looks at it at once"


async def test_more_said_about_a_complaint_while_a_person_is_on_the_way_is_not_another_request(db: Database) -> None:
    from kuanxian.commands import RequestHandoff

    chat = Chat("demo-003")
    first = await chat.send("我要投诉你们以前的催收，打电话给我表哥说我欠钱", "complain")
    assert first.of(RequestHandoff)
    more = await chat.send("而且是半夜三点打的，我吓得一晚没睡", "complain", metadata={"awaiting_person": True})
    assert more.of(RequestHandoff) == [] and more.text and more.text != first.text


async def test_reminders_asked_back_after_a_stop_with_the_hours_are_turned_on(db: Database) -> None:
    chat = Chat("demo-003")
    await db.set_flags("demo-003", opted_out=True)
    back = await chat.send("那还是发吧 只发短信 不要打电话 在我们这边白天发 上午九点到晚上八点 纽约时间", "nlu_fallback")
    back.one(OptIn)
    assert "白天" in back.text


async def test_the_fear_of_forgetting_after_a_stop_offers_reminders_back_and_the_borrower_decides(db: Database) -> None:
    chat = Chat("demo-003")
    await db.set_flags("demo-003", opted_out=True)
    fear = await chat.send("哎 可是停了我又怕忘记了 我这个记性越来越差", "remind_later")
    assert fear.commands == [], "nothing turned on before the Borrower says so"
    assert "哪一天还" not in fear.text and "重新打开" in fear.text
    yes = await chat.send("好", "affirm")
    yes.one(OptIn)


async def test_reminders_offered_back_and_declined_stay_off(db: Database) -> None:
    chat = Chat("demo-003")
    await db.set_flags("demo-003", opted_out=True)
    await chat.send("停了我怕忘了", "nlu_fallback")
    no = await chat.send("先不用", "deny")
    assert no.commands == [] and "保持关闭" in no.text


async def test_night_reminders_complained_of_again_are_answered_not_misunderstood(db: Database) -> None:
    chat = Chat("demo-003")
    turn = await chat.send("钱我会还的 不是不还 我女儿每个月会给我钱 我就是想你们不要半夜来", "nlu_fallback")
    assert "没太听明白" not in turn.text and "白天" in turn.text
    assert turn.commands == [], "nothing is turned off"


async def test_a_warning_to_mind_the_time_zone_is_answered_and_opens_no_dispute(db: Database) -> None:
    chat = Chat("demo-003")
    turn = await chat.send("你们那边是中国时间 跟我这里差十三个钟头 莫搞错了", "wrong_person")
    assert turn.of(OpenDispute) == [] and turn.of(MarkWrongContact) == []
    assert "时区" in turn.text or "纽约" in turn.text or "美国" in turn.text, turn.text


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        ("好的谢谢。想问下最后一期还完以后呢，提醒就不会再发了吧？", "stop_contact"),
        ("还清以后请停止提醒", "stop_contact"),
        ("还完以后还会给我发通知吗", "nlu_fallback"),
    ],
)
async def test_reminders_after_the_last_payment_are_answered_and_nothing_is_turned_off_now(chat: Chat, text: str, heard: str) -> None:
    turn = await chat.send(text, heard)
    assert turn.of(OptOut) == [], "a question about later is not a stop now"
    assert "自动停止" in turn.text


async def test_closing_the_account_and_the_credit_record_after_paying_are_answered_truthfully(chat: Chat) -> None:
    turn = await chat.send("计划我知道了。我问的是还清之后：账户能不能注销？征信上的逾期记录会不会清掉？", "ask_consequences")
    assert "注销" in turn.text and "不能删除" in turn.text and "没太听明白" not in turn.text


async def test_thanks_with_a_goodbye_is_a_goodbye(chat: Chat) -> None:
    turn = await chat.send("好的，就这样，谢谢，再见", "thank")
    assert "还有其他需要吗" not in turn.text


async def test_a_particular_hour_for_reminders_is_answered_honestly_and_nothing_is_turned_off(db: Database) -> None:
    chat = Chat("demo-003")
    turn = await chat.send("我问的是提醒的时间。下午5点以后提醒可以吗", "nlu_fallback")
    assert turn.of(OptOut) == [] and "没法为您单独设置" in turn.text


async def test_stop_the_reminders_said_after_a_complaint_about_the_hours_stops_them(db: Database) -> None:
    chat = Chat("demo-003")
    turn = await chat.send("不是半夜，我是白天睡觉！算了，那停止提醒吧，我自己记着周五还", "stop_contact")
    turn.one(OptOut)


async def test_fewer_reminders_asked_for_is_answered_with_the_limits_and_nothing_is_turned_off(chat: Chat) -> None:
    turn = await chat.send("能不能一个月就提醒一次,别太多", "stop_contact")
    assert turn.of(OptOut) == [] and "每周最多三次" in turn.text


async def test_dont_call_me_the_baby_is_asleep_is_answered_not_handed_on_as_a_complaint(chat: Chat) -> None:
    turn = await chat.send("好 就这样 别打电话 宝宝睡觉", "complain")
    assert turn.of(RequestHandoff) == [] and "不会给您打电话" in turn.text


async def test_stop_heard_in_words_about_interest_turns_nothing_off(chat: Chat) -> None:
    turn = await chat.send("能不能别再加利息了，我真的很紧", "stop_contact")
    assert turn.of(OptOut) == [], "nothing about reminders was said"


async def test_after_a_stop_the_question_whether_the_due_date_is_still_told_offers_reminders_back(db: Database) -> None:
    chat = Chat("demo-003")
    await db.set_flags("demo-003", opted_out=True)
    asked = await chat.send("等等，关掉以后下次还款日你们也不会告诉我了？", "nlu_fallback")
    assert asked.slots["pending_offer"] == "resume_offer" and "没太听明白" not in asked.text
    back = await chat.send("那还是开着吧，但只能在纽约时间白天发，早上9点到晚上9点", "nlu_fallback")
    back.one(OptIn)


async def test_at_most_one_a_day_said_alone_is_answered_with_the_limits(chat: Chat) -> None:
    turn = await chat.send("一天最多一条", "out_of_scope")
    assert "每天最多一次" in turn.text and turn.of(OptOut) == []


async def test_all_off_said_after_a_complaint_about_reminders_turns_them_off(chat: Chat) -> None:
    turn = await chat.send("对，全部关掉", "stop_contact")
    turn.one(OptOut)


@pytest.mark.parametrize(
    ("text", "heard"), [("5350？？不对吧 我上个月还了一千啊", "propose_installment"), ("11月20号还的 支付宝转的 有截图", "promise_to_pay")]
)
async def test_a_payment_already_made_and_not_counted_is_a_dispute_not_terms_or_a_promise(db: Database, text: str, heard: str) -> None:
    chat = Chat("demo-002")
    turn = await chat.send(text, heard)
    turn.one(OpenDispute)
    assert turn.of(RecordPromise) == [] and turn.slots.get("pending_offer") != "plan_confirm"


async def test_paid_at_the_bank_and_still_called_late_is_a_dispute_not_how_to_pay(db: Database) -> None:
    chat = Chat("demo-002")
    turn = await chat.send("你们是不是弄错了 我这个月的钱三号就去银行柜台交了 怎么还说我逾期", "ask_payment_method")
    turn.one(OpenDispute)


@pytest.mark.parametrize("asked", ["以后要再打开的话在哪弄？先别开，问问", "关了过后以后想开的话咋个开？"])
async def test_how_to_turn_reminders_back_on_later_is_answered_without_turning_them_on(db: Database, asked: str) -> None:
    chat = Chat("demo-003")
    await chat.send("提醒能关吗", "stop_contact")
    turn = await chat.send(asked, "resume_contact")
    assert turn.commands == [], "nothing changes now"
    assert "恢复提醒" in turn.text and "已为您恢复" not in turn.text, turn.text
    now = await chat.send("怎么恢复提醒？帮我恢复", "resume_contact")
    assert now.commands == [OptIn()], "asked for now, it is done"


async def test_never_having_borrowed_here_is_a_dispute(db: Database) -> None:
    chat = Chat("demo-003")
    turn = await chat.send("我从来没在你们这里借过钱", "dispute_debt")
    assert any(isinstance(c, OpenDispute) for c in turn.commands), turn.text


async def test_more_about_a_dispute_already_open_is_kept_and_no_plan_is_offered(db: Database) -> None:
    await db.set_flags("demo-003", dispute_open=True)
    chat = Chat("demo-003")
    turn = await chat.send("你癫咗呀？我冇想死，我系嬲你哋收错钱！我只想人工帮我查个300", "propose_installment")
    assert [type(c) for c in turn.commands] == [OpenDispute], "kept with the dispute; a person was asked for already"
    assert "共10期" not in turn.text and "记在这次异议里" in turn.text, turn.text


async def test_asking_whether_reminders_are_off_does_not_turn_them_on(db: Database) -> None:
    # c18-03: "那下次还款日你也不提醒了是吧" was heard as "resume" and turned reminders back on.
    chat = Chat("demo-003")
    await db.set_flags("demo-003", opted_out=True)
    turn = await chat.send("那下次还款日你也不提醒了是吧", "resume_contact")
    assert turn.of(OptIn) == [] and "关闭" in turn.text and "已为您恢复" not in turn.text, turn.text


async def test_stop_said_again_after_a_stop_keeps_them_off_and_is_not_taken_for_distress(db: Database) -> None:
    chat = Chat("demo-003")
    await db.set_flags("demo-003", opted_out=True)
    turn = await chat.send("行吧 那先停 我自己记着", "express_distress")
    assert turn.of(OptIn) == [] and "保持关闭" in turn.text and "压力" not in turn.text, turn.text


@pytest.mark.parametrize("text", ["我上个月月底就还了2000 怎么还显示5350", "有扣款记录啊 银行卡扣的"])
async def test_a_payment_the_bank_shows_is_a_dispute(db: Database, text: str) -> None:
    chat = Chat("demo-002")
    turn = await chat.send(text, "dispute_debt")
    turn.one(OpenDispute)


async def test_asking_for_someone_to_look_into_it_brings_a_person(db: Database) -> None:
    chat = Chat("demo-002")
    turn = await chat.send("行吧 你让人查 查清楚之前别催我", "nlu_fallback")
    turn.one(RequestHandoff)
    assert "没太听明白" not in turn.text


@pytest.mark.parametrize("text", ["这3000我会还的，就是现在真的没有收入", "钱我肯定会还 就是现在拿不出来"])
async def test_the_will_to_pay_without_the_money_is_not_asked_for_a_date(db: Database, text: str) -> None:
    chat = Chat("demo-003")
    turn = await chat.send(text, "promise_to_pay")
    assert turn.of(RecordPromise) == [] and "哪一天" not in turn.text, turn.text


@pytest.mark.parametrize(("text", "heard"), [("我没得异议 账是对的", "deny"), ("是我自己记错了，钱是我借的", "inform")])
async def test_a_dispute_taken_back_is_withdrawn(db: Database, text: str, heard: str) -> None:
    chat = Chat("demo-002")
    await db.set_flags("demo-002", dispute_open=True)  # the hub applied the OpenDispute of a misread message
    turn = await chat.send(text, heard)
    turn.one(WithdrawDispute)
    assert "撤回" in turn.text


async def test_without_an_open_dispute_nothing_is_withdrawn(db: Database) -> None:
    chat = Chat("demo-002")
    turn = await chat.send("账是对的", "inform")
    assert turn.of(WithdrawDispute) == []


@pytest.mark.parametrize(
    ("text", "heard"),
    [("我这账不对啊", "affirm"), ("我借的时候到手就4800 你们咋写5000", "nlu_fallback"), ("放款时候扣的那200是啥 砍头息啊", "ask_due_date")],
)
async def test_the_amount_questioned_in_blunt_words_is_a_dispute(db: Database, text: str, heard: str) -> None:
    chat = Chat("demo-002")
    turn = await chat.send(text, heard)
    turn.one(OpenDispute)


async def test_mid_month_named_is_that_month_and_paying_it_all_on_a_day_is_a_promise(db: Database) -> None:
    chat = Chat("demo-001")
    mid = await chat.send("粮站说一月中旬结账 结了我就还", "promise_to_pay")
    assert mid.one(RecordPromise).promised_for == date(2025, 1, 15)
    later = await chat.send("1月20号 我一把还上 中不中", "propose_installment")
    assert later.one(RecordPromise).promised_for == date(2025, 1, 20), later.text


async def test_a_message_merely_mentioned_turns_nothing_off(chat: Chat) -> None:
    # c21-01: "收到你们短信了" was heard as "stop contacting me" and reminders were turned off.
    turn = await chat.send("收到你们短信了，我知道逾期了", "stop_contact")
    assert turn.of(OptOut) == [] and "关闭" not in turn.text, turn.text


async def test_all_at_once_some_day_without_a_plan_is_a_promise_whose_day_is_asked(db: Database) -> None:
    chat = Chat("demo-002")
    lump = await chat.send("不用分期，工钱一下来我一次还清", "propose_installment")
    assert "共1期" not in lump.text and lump.slots["awaiting"] == "promise_date", lump.text
    day = await chat.send("1月20号吧，那时候肯定到账了", "nlu_fallback")
    assert day.one(RecordPromise).promised_for == date(2025, 1, 20)
    what_if = await chat.send("要是那天钱没到，我再来跟你们说行不行", "nlu_fallback")
    assert "还不上" in what_if.text and "没太" not in what_if.text, what_if.text


async def test_the_promised_day_said_again_is_not_noted_twice_nor_its_reminder_offered_again(chat: Chat) -> None:
    await chat.send("我今天先还2000，剩下的1月20号一起还清，可以不？", "promise_to_pay")
    question = await chat.send("到1月20号那天还会不会再加钱？", "nlu_fallback")
    assert question.of(RecordPromise) == [] and "记下了" not in question.text, question.text
    again = await chat.send("好，那你记一下，1月20号我把剩下的全部还了", "promise_to_pay")
    assert again.of(RecordPromise) == [] and "已经记下了" in again.text and "提醒您一次吗" not in again.text, again.text
    where = await chat.send("2000我现在就在APP里头还，在哪点还？", "promise_to_pay")
    assert where.action == "action_answer_payment_method" or "App" in where.text, where.text
    assert "哪一天" not in where.text


# -------------------------------------------------- what held-out scripts c29-c30 showed --


async def test_a_person_asked_for_over_a_sum_not_owned_opens_the_dispute(chat: Chat) -> None:
    turn = await chat.send("那我要找真人 把这个搞清楚 多出来的150我不认", "request_human")
    assert any(isinstance(c, OpenDispute) for c in turn.commands)
    assert turn.one(RequestHandoff).reason is HandoffReason.DISPUTE


async def test_a_sum_promised_at_signing_not_understood_by_the_classifier_opens_the_dispute(chat: Chat) -> None:
    turn = await chat.send("为什么是12000？借的时候说好利息一共200的", "nlu_fallback")
    assert any(isinstance(c, OpenDispute) for c in turn.commands)
    assert "没太明白" not in turn.text


async def test_half_now_and_the_rest_next_month_heard_as_a_reason_for_lateness_is_a_plan_of_two(chat: Chat) -> None:
    turn = await chat.send("我上个月工资晚发了 所以才逾期的 能不能先还一半 剩下的下个月还", "explain_late")
    assert turn.slots["pending_offer"] == "plan_confirm", turn.text
    assert "共2期" in turn.text and "6,000.00元" in turn.text


async def test_after_the_spring_festival_heard_as_off_topic_is_a_holiday_asked_for(chat: Chat) -> None:
    turn = await chat.send("过了春节行不行", "out_of_scope")
    assert "帮不上忙" not in turn.text and "没太明白" not in turn.text, turn.text
    assert "60天" in turn.text, turn.text


async def test_the_fees_understood_heard_as_a_waiver_asked_for_is_only_acknowledged(chat: Chat) -> None:
    turn = await chat.send("哦 是利息和手续费 懂了", "request_fee_relief")
    assert turn.commands == [] and "减免" not in turn.text, turn.text
    assert turn.slots["pending_offer"] is None


async def test_sadness_with_a_promise_not_to_harm_themselves_heard_as_a_question_about_collectors_is_listened_to(
    chat: Chat,
) -> None:
    turn = await chat.send("没事，就是心里憋屈，跟你说说。我不会想不开的，家里还有老娘要管", "ask_collection_practices")
    assert "上门" not in turn.text and "通讯录" not in turn.text, turn.text


async def test_which_countrys_day_is_answered_not_taken_as_a_new_day_for_a_plan(db: Database) -> None:
    turn = await Chat("demo-003").send("还有就是每个月28号，是国内的28号还是我这边的28号", "set_payment_date")
    assert "纽约" in turn.text or "美国" in turn.text or "时间" in turn.text, turn.text
    assert turn.slots["pending_offer"] != "plan_confirm" and "分期" not in turn.text, turn.text


async def test_the_day_of_the_plan_on_the_table_taken_with_a_reminder_asked_agrees_the_plan(db: Database) -> None:
    chat = Chat("demo-002")
    offer = await chat.send("能不能分七期 一个月还个五百 行不行", "propose_installment")
    assert offer.slots["pending_offer"] == "plan_confirm" and "每月500" in offer.text, offer.text
    taken = await chat.send("5号就5号 额记性不好 到时候你给额说一声", "remind_later")
    plan = taken.one(AgreePlan)
    assert (plan.amount, plan.count, plan.first_date.day) == (Decimal("500.00"), 11, 5), taken.text


async def test_true_or_false_about_calls_to_work_and_posts_is_the_fears_answered(chat: Chat) -> None:
    turn = await chat.send("还有 我同事说你们会打电话到单位 还会发朋友圈曝光 真的假的", "ask_collection_practices")
    assert "不会" in turn.text and ("单位" in turn.text or "同事" in turn.text or "公开" in turn.text), turn.text


async def test_thanks_after_an_answer_in_between_points_back_to_the_plan_still_waiting(chat: Chat) -> None:
    await chat.send("每个月还1000行吗", "propose_installment")
    await chat.send("这几个月能不能别天天提醒了", "stop_contact")
    thanks = await chat.send("好，这样我就放心一点了，谢谢你", "thank")
    assert thanks.commands == [], "a thank-you alone never agrees a plan"
    assert "确认" in thanks.text and thanks.slots["pending_offer"] == "plan_confirm", thanks.text


async def test_a_question_about_after_the_holiday_granted_is_about_the_plan_not_the_old_due_date(chat: Chat) -> None:
    await chat.send("我做了个手术 这两个月没收入", "disclose_hardship")
    await chat.send("可以 你就记上", "affirm")
    granted = await chat.send("能不能先停一停 过两个月再还", "request_deferral")
    assert "暂缓" in granted.text, granted.text
    after = await chat.send("那停完了以后 是从什么时候开始还 是要一次都还上吗", "ask_due_date")
    assert "下一个还款日" not in after.text and "暂缓" in after.text, after.text
    assert "共1期" not in after.text, "asked whether it must be paid at once, not offering to"


async def test_how_much_and_which_day_asked_together_are_both_answered(db: Database) -> None:
    turn = await Chat("demo-002").send("哦 机器也行 那你给我说我到底欠多少钱 几号该还", "ask_balance")
    assert "5,350.00元" in turn.text and "还款日" in turn.text, turn.text


async def test_no_calls_heard_as_reminders_back_on_turns_nothing_on(chat: Chat) -> None:
    await chat.send("别再给我发提醒了", "stop_contact")
    turn = await chat.send("电话也别打，我耳朵背，听不清，打了也白打", "resume_contact")
    assert not any(isinstance(c, OptIn) for c in turn.commands), turn.commands
    assert "恢复" not in turn.text or "发送“恢复提醒”" in turn.text, turn.text


async def test_messages_asked_to_stop_inside_a_complaint_are_stopped(chat: Chat) -> None:
    turn = await chat.send("你们这个消息能不能别发了，我孙子天天拿我手机耍，看见了回去跟他妈一说，全家都知道了", "complain")
    assert any(isinstance(c, OptOut) for c in turn.commands), turn.commands
    assert not any(isinstance(c, RequestHandoff) for c in turn.commands)


async def test_a_new_day_asked_in_traditional_characters_moves_the_plan_and_is_no_dispute(db: Database) -> None:
    chat = Chat("demo-003")
    await chat.send("每月300，分10期，每月28號還", "propose_installment")
    moved = await chat.send("我想把每月的還款日改成10號，金額和期數都不變，可以嗎？", "nlu_fallback")
    assert moved.slots["pending_offer"] == "plan_confirm" and "10日" in moved.text, moved.text
    fee = await chat.send("改日子會不會多收錢？", "dispute_debt")
    assert not any(isinstance(c, OpenDispute) for c in fee.commands), fee.commands


async def test_a_dark_joke_taken_back_heard_as_a_complaint_is_not_handed_on(chat: Chat) -> None:
    turn = await chat.send("开玩笑的老弟 别当真啊 冰冻得老厚了 我好着呢 别给我整那些热线", "complain")
    assert not any(isinstance(c, RequestHandoff) for c in turn.commands), turn.commands
    assert "投诉" not in turn.text and "转接" not in turn.text, turn.text
