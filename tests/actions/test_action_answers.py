"""Account answers read the Borrower's own figures; nobody unauthenticated learns anything or changes anything."""

from __future__ import annotations

from decimal import Decimal

import pytest
from actionkit import NOW, Chat, Database, days

from actions import runtime
from kuanxian.commands import AgreePlan, OptOut, RecordPromise, RequestHandoff
from kuanxian.replies import account as account_texts

NOT_AUTHENTICATED = account_texts.not_authenticated().text


async def test_the_balance_answer_gives_the_accounts_own_figures(chat: Chat) -> None:
    turn = await chat.send("我现在一共还欠多少钱", "ask_balance")

    assert turn.action == "action_answer_balance"
    assert "待还金额是12,000.00元" in turn.text
    assert "本金11,200.00元" in turn.text and "利息和费用800.00元" in turn.text
    assert "逾期15天" in turn.text
    assert turn.commands == []
    assert "/request_installment" in [b["payload"] for b in turn.buttons], "no plan yet: a plan is offered"


async def test_each_borrower_hears_their_own_balance(db: Database) -> None:
    turn = await Chat("demo-002").send("我欠多少", "ask_balance")
    assert "待还金额是5,350.00元" in turn.text and "本金5,000.00元" in turn.text and "逾期3天" in turn.text
    assert "12,000.00" not in turn.text


async def test_the_due_date_answer_names_the_day_of_month_and_the_next_date(chat: Chat) -> None:
    turn = await chat.send("我什么时候要还款", "ask_due_date")

    assert turn.action == "action_answer_due_date"
    assert "每月15号" in turn.text and "1月15日（周三）" in turn.text
    assert "过去15天" in turn.text, "the overdue days are stated plainly"
    assert turn.commands == []


async def test_the_balance_and_the_due_date_asked_together_are_both_answered(chat: Chat) -> None:
    turn = await chat.send("我一共欠几多 啥时候最晚要还", "ask_due_date")

    assert "12,000.00" in turn.text and "1月15日" in turn.text


async def test_the_next_due_date_rolls_into_next_month_after_the_due_day(db: Database) -> None:
    turn = await Chat("demo-002").send("还款日是哪天", "ask_due_date")
    assert "每月5号" in turn.text and "2月5日（周三）" in turn.text


async def test_with_a_plan_the_answers_give_the_next_installment(chat: Chat, db: Database) -> None:
    await db.add_plan("demo-001", "1000.00", 12, days(10))  # 1月20日

    balance = await chat.send("我还欠多少", "ask_balance")
    assert "待还金额是12,000.00元" in balance.text
    assert "下一期是1月20日（周一），1,000.00元" in balance.text
    assert "/request_installment" not in [b["payload"] for b in balance.buttons], "a plan exists: not offered again"

    due = await chat.send("下一期什么时候", "ask_due_date")
    assert "下一期在1月20日（周一），金额1,000.00元" in due.text and "每月20号" in due.text

    details = await chat.send("我的计划是怎样的", "ask_plan_details")
    assert "每月还1,000.00元，共12期" in details.text


async def test_the_message_metadata_decides_who_is_asking_not_a_stale_slot(db: Database) -> None:
    chat = Chat("demo-001")
    chat.slots["borrower_id"] = "demo-002"  # a slot carried from somewhere else
    turn = await chat.send("我欠多少", "ask_balance")
    assert "12,000.00" in turn.text and "5,350.00" not in turn.text


NEEDS_AN_ACCOUNT = [
    ("我欠多少", "ask_balance"),
    ("什么时候还", "ask_due_date"),
    ("怎么还款", "ask_payment_method"),
    ("逾期会怎样", "ask_consequences"),
    ("我的计划是什么", "ask_plan_details"),
    ("我想分期还", "request_installment"),
    ("每月还500", "propose_installment"),
    ("12", "inform"),
    ("我失业了", "disclose_hardship"),
    ("能不能免点利息", "request_fee_relief"),
    ("我15号还", "promise_to_pay"),
    ("到时候提醒我", "remind_later"),
    ("别再给我发消息了", "stop_contact"),
    ("恢复提醒", "resume_contact"),
    ("这笔钱我早就还了", "dispute_debt"),
]


@pytest.mark.parametrize("borrower_id", ["nobody-here", None], ids=["unknown", "missing"])
@pytest.mark.parametrize(("text", "intent"), NEEDS_AN_ACCOUNT, ids=[i for _, i in NEEDS_AN_ACCOUNT])
async def test_without_a_known_borrower_the_answer_is_log_in_first_and_nothing_is_sent_to_the_hub(
    db: Database, borrower_id: str | None, text: str, intent: str
) -> None:
    turn = await Chat(borrower_id).send(text, intent)

    assert turn.texts == [NOT_AUTHENTICATED]
    assert turn.commands == []
    assert turn.slots == {}, "nothing about a stranger's turn is remembered"


async def test_a_kept_draft_is_not_agreed_for_someone_who_is_not_logged_in(db: Database) -> None:
    chat = Chat(None)
    chat.slots.update(
        pending_offer="plan_confirm",
        negotiation={
            "asked": "confirm",
            "draft": {
                "amount": "1000.00",
                "count": 12,
                "frequency": "monthly",
                "first_date": days(31).isoformat(),
                "holiday_days": 0,
                "hardship": False,
            },
        },
    )
    turn = await chat.send("好的", "affirm")
    assert turn.commands == []
    assert "确认还款计划" not in turn.text


async def test_the_clock_the_actions_read_is_the_tests_clock(db: Database) -> None:
    assert runtime.now() == NOW


async def test_torn_between_two_account_questions_the_likelier_is_answered_not_an_apology(chat: Chat) -> None:
    turn = await chat.send(
        "计划里下一期是什么时候",
        "nlu_fallback",
        ranking=[("nlu_fallback", 0.4), ("ask_due_date", 0.46), ("ask_plan_details", 0.45)],
    )
    assert "没太明白" not in turn.text and "没理解" not in turn.text
    assert turn.action == "action_fallback"


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        ("我问一下，本金才11200，这800是什么钱", "nlu_fallback"),
        ("就是多出来的800块钱 是利息还是手续费？", "inform"),
        ("这么多啊 里头利息占好多 本金好多", "request_fee_relief"),  # c17-01, Sichuanese 好多 = how much
    ],
)
async def test_a_question_about_the_fees_is_answered_not_taken_as_terms(chat: Chat, text: str, heard: str) -> None:
    turn = await chat.send(text, heard)

    assert "800.00" in turn.text and "利息和费用" in turn.text and "借款合同" in turn.text
    assert turn.commands == [] and turn.slots.get("pending_offer") != "plan_confirm", "no plan offered"


def _draft_on_the_table(chat: Chat) -> None:
    chat.slots.update(
        pending_offer="plan_confirm",
        negotiation={
            "asked": "confirm",
            "draft": {
                "amount": "600.00",
                "count": 20,
                "frequency": "monthly",
                "first_date": "2025-02-15",  # where a first payment asked today goes: the usual day (15th) next month
                "holiday_days": 0,
                "hardship": False,
            },
        },
    )


@pytest.mark.parametrize(
    ("text", "heard"),
    [
        ("等下 分期的话利息还会一直涨吗？别到时候越还越多", "ask_consequences"),
        ("我按这个600一个月还 总数是不是就12000 不会再加了？", "inform"),
        ("你没回答我啊。。利息到底还涨不涨 不说清楚我不敢点确认", "complain"),
    ],
)
async def test_interest_during_the_plan_on_the_table_is_answered_and_the_plan_stays_to_confirm(chat: Chat, text: str, heard: str) -> None:
    _draft_on_the_table(chat)

    turn = await chat.send(text, heard)

    assert "600.00" in turn.text and "20期" in turn.text and "12,000.00" in turn.text
    assert "借款合同" in turn.text, "no promise the contract does not make"
    assert turn.commands == [], "no complaint, no handoff, no plan agreed by the question"
    assert turn.slots.get("pending_offer") == "plan_confirm", "a yes afterwards still confirms the plan"
    assert "/affirm" in [b["payload"] for b in turn.buttons], "the plan can still be confirmed with one tap"


async def test_a_lower_amount_asked_with_an_interest_question_heard_as_fee_relief_is_a_new_offer(chat: Chat) -> None:
    _draft_on_the_table(chat)

    turn = await chat.send("那每月800可以吗 分期了利息还会接着算吗", "request_fee_relief")

    assert "800.00" in turn.text and "15期" in turn.text, "the amount asked for is offered"
    assert "借款合同" in turn.text, "and the interest question answered beside it"
    assert turn.slots.get("pending_offer") == "plan_confirm"


async def test_more_installments_asked_beside_an_income_cut_with_a_plan_on_the_table_are_offered(chat: Chat) -> None:
    _draft_on_the_table(chat)

    turn = await chat.send("厂里这个月不开工资了，600太吃力，能不能分24期", "disclose_hardship")

    assert "500.00" in turn.text and "24期" in turn.text, "the count asked for is offered, not lost behind a question"
    assert turn.slots.get("pending_offer") == "plan_confirm"


async def test_interest_during_an_agreed_plan_is_answered_while_waiting_for_a_person(chat: Chat, db: Database) -> None:
    await db.add_plan("demo-001", "600.00", 20, days(45))
    chat.metadata["awaiting_person"] = True

    turn = await chat.send("好 那现在计划定了 这期间利息还算不算", "nlu_fallback")

    assert "您的还款计划一共12,000.00元" in turn.text and "600.00" in turn.text
    assert "工作人员会在这里回复" not in turn.text, "the question is answered, not only 'a person will read it'"
    assert turn.commands == []


async def test_whether_the_person_asked_for_is_still_coming_is_answered_as_it_stands(chat: Chat) -> None:
    chat.metadata["awaiting_person"] = True
    waiting = await chat.send("那之前说的停三个月那个工作人员还会找我吗 现在这样是不是就不用了", "deny")
    assert "会的" in waiting.text and "不会另外打电话" in waiting.text and waiting.commands == []

    chat.metadata["awaiting_person"] = False
    nobody = await chat.send("我是问那个九十天的申请 还有人给我打电话吗", "nlu_fallback")
    assert "目前没有在等着回复您" in nobody.text


@pytest.mark.parametrize("text", ["纯纯割韭菜 350凭啥", "凭啥收我这么多"])
async def test_a_grumble_about_the_fees_gets_what_the_fees_are(chat: Chat, text: str) -> None:
    turn = await chat.send(text, "nlu_fallback")
    assert "利息和费用" in turn.text and "借款合同" in turn.text and "没太" not in turn.text


async def test_is_this_really_the_lender_is_answered_with_how_to_check_not_taken_as_a_complaint(chat: Chat) -> None:
    turn = await chat.send("怎么证明你是正规的？我怕是骗子", "complain")
    assert "官方客服电话" in turn.text and "个人账户" in turn.text and turn.commands == []


async def test_which_time_zone_the_dates_are_in_is_answered_in_the_borrowers_own(db: Database) -> None:
    chat = Chat("demo-003")
    turn = await chat.send("12月20号是纽约时间还是北京时间？", "propose_installment")
    assert "美国东部时间" in turn.text and turn.commands == [] and turn.slots.get("pending_offer") != "plan_confirm"


async def test_interest_during_a_holiday_talked_about_is_answered_plainly(db: Database) -> None:
    chat = Chat("demo-003")
    await chat.send("我在纽约看病 做了个手术 这两个月花了不少钱", "disclose_hardship")
    await chat.send("可以 你就记上我现在是看病困难", "affirm")
    await chat.send("我想问问能不能先停一停 过两个月再还", "request_deferral")

    turn = await chat.send("这两个月利息还算吗", "nlu_fallback")

    assert "暂缓期和分期期间都停止计息" in turn.text, turn.text


async def test_more_distress_while_a_person_is_on_the_way_is_heard_without_the_same_lines_again(chat: Chat) -> None:
    first = await chat.send("最近焦虑得很 天天失眠", "express_distress", metadata={"safety": "distress"})
    assert len(first.texts) >= 3 and first.commands, "the first time: the care texts, reminders paused, a person"

    again = await chat.send("一看到催款短信就心慌", "express_distress", metadata={"safety": "distress", "awaiting_person": True})
    assert len(again.texts) == 1 and again.commands == [] and again.texts[0] not in first.texts


async def test_the_interest_in_the_balance_asked_as_a_greeting_is_explained(chat: Chat) -> None:
    turn = await chat.send("你好，我想问一下，我这3000块里面利息是多少？", "greet")
    assert "利息" in turn.text and "我是宽限还款助手" not in turn.text, turn.text


async def test_a_what_if_about_paying_it_all_is_answered_not_taken_as_a_promise(chat: Chat) -> None:
    turn = await chat.send("不好意思我再确认一次，如果我这个月28号前一次还清，就是12000整，不会多一分对吧", "promise_to_pay")
    assert turn.of(RecordPromise) == []


async def test_find_me_someone_to_ask_is_a_person_asked_for(chat: Chat) -> None:
    turn = await chat.send("那谁能决定？你帮我找人问问", "think_it_over")
    assert turn.one(RequestHandoff)


async def test_stop_adding_interest_is_a_request_about_interest_not_a_stop_to_reminders(chat: Chat) -> None:
    turn = await chat.send("能不能别再加利息了，我真的很紧", "stop_contact")
    assert turn.of(OptOut) == [] and ("利息" in turn.text or "减免" in turn.text), turn.text


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("把我的资料都删了", "stop_contact"),
        ("我问紧你啊，还清之后我啲个人资料可唔可以删除？公司会留底咩资料？", "complain"),
        ("现在就想知道你们存了我哪些东西", "nlu_fallback"),
        ("不是金额的问题…我是问刚才你们记录的困难情况（流产那个），以后可以删除吗", "ask_plan_details"),
    ],
)
async def test_a_question_about_personal_data_is_answered_and_changes_nothing(db: Database, said: str, intent: str) -> None:
    chat = Chat("demo-003")
    turn = await chat.send(said, intent)
    assert turn.commands == [], "no opt-out, no complaint handoff"
    assert "个人信息保护法" in turn.text and "删除" in turn.text, turn.text


async def test_the_answer_about_personal_data_says_a_hardship_record_can_be_withdrawn(db: Database) -> None:
    turn = await Chat("demo-002").send("那流产这个记录呢…我不太想一直留着，还清以后能删吗", "nlu_fallback")
    assert "困难情况" in turn.text and "撤回同意" in turn.text, turn.text


@pytest.mark.parametrize(
    ("text", "heard"),
    [("那用我自己的微信零钱只付可以不", "nlu_fallback"), ("能去银行柜台还吗", "nlu_fallback"), ("我人在美国，怎么还款比较方便？", "greet")],
)
async def test_a_way_to_pay_asked_about_gets_the_ways_to_pay(chat: Chat, text: str, heard: str) -> None:
    turn = await chat.send(text, heard)
    assert "还款" in turn.text and "App" in turn.text and "没太明白" not in turn.text, turn.text


async def test_what_a_hardship_record_means_is_answered_and_the_consent_question_stays(chat: Chat) -> None:
    told = await chat.send("被裁了 上周的事 在找工作", "disclose_hardship")
    assert told.slots["pending_offer"] == "hardship_consent"
    asked = await chat.send("记录困难是啥意思 会影响征信吗", "ask_consequences")
    assert "不会报送征信" in asked.text and asked.commands == []
    assert asked.slots["pending_offer"] == "hardship_consent", "the question on the table stays"


async def test_whether_more_is_added_by_a_date_is_a_question_not_a_promise(chat: Chat) -> None:
    turn = await chat.send("到1月10号那天还会不会再加钱？", "promise_to_pay")
    assert turn.of(RecordPromise) == [] and "利息" in turn.text and "哪一天" not in turn.text, turn.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("喂 你好 老头子九月份中风了 一直在医院跑 人都跑瘦了一圈", "记录"),  # a hardship told
        ("我现在到底还欠好多钱啊", "12,000.00"),  # Sichuanese 好多 = how much
        ("会不会有人上门？我爸妈住在老家，年纪大了，经不起吓", "不会上门"),
        ("你好，我想把欠的钱分期还，我在美国这边上班", "每期大概能还多少"),
    ],
)
async def test_plain_requests_the_classifier_missed_are_answered_not_met_with_an_apology(chat: Chat, text: str, expected: str) -> None:
    turn = await chat.send(text, "nlu_fallback")
    assert expected in turn.text and "没太明白" not in turn.text and "没太听明白" not in turn.text, turn.text


async def test_the_day_asked_for_answers_the_question_even_when_the_classifier_missed_it(db: Database) -> None:
    chat = Chat("demo-002")
    asked = await chat.send("发工资就还 全还", "promise_to_pay")
    assert asked.slots["awaiting"] == "promise_date", asked.text
    turn = await chat.send("下个月10号 准时的", "nlu_fallback")
    assert turn.one(RecordPromise).promised_for == days(31), turn.text


async def test_what_medicine_costs_is_not_offered_back_as_the_monthly_amount(chat: Chat) -> None:
    turn = await chat.send("我一个月退休金就两千出头 老头子吃药就要一千多 一下子是真拿不出来", "cant_afford")
    assert "1,000.00元" not in turn.text, turn.text


async def test_the_plan_on_the_table_is_picked_up_in_full_once_then_in_a_line_then_left_waiting(chat: Chat) -> None:
    # c20-10: four questions in a row each ended with the same plan in full.
    await chat.send("每月500", "inform")
    first = await chat.send("我欠多少来着", "ask_balance")
    second = await chat.send("还款日是几号", "ask_due_date")
    third = await chat.send("能提前还吗", "ask_early_repayment")
    assert first.text.count("每月还500.00元") == 1
    assert "每月还500.00元" not in second.text and "刚才的方案还给您留着" in second.text
    assert "方案" not in third.text
    yes = await chat.send("好的", "affirm")
    assert yes.one(AgreePlan).amount.quantize(Decimal("1")) == 500, "a yes still takes the plan"


async def test_the_amount_wondered_at_gets_its_parts_and_the_day_asked_gets_the_due_date(chat: Chat) -> None:
    wondered = await chat.send("怎么是一万二？我记得借的是一万一千多", "nlu_fallback")
    assert "11,200.00" in wondered.text and "800.00" in wondered.text, wondered.text
    day = await chat.send("那我每个月是几号要还？", "ask_plan_details")
    assert "15号" in day.text and "还没有确定的还款计划" not in day.text, day.text


async def test_still_there_mid_conversation_is_answered_at_once_and_the_open_question_stays_open(chat: Chat) -> None:
    await chat.send("我最近失业了", "disclose_hardship")
    asked = await chat.send("能不能先缓一缓再还", "request_deferral")
    assert "同意" in asked.text
    turn = await chat.send("还在吗", "greet")
    assert turn.texts[0] == account_texts.still_here().text, turn.texts
    assert "您好，我是宽限还款助手" not in turn.text
    assert turn.slots["pending_offer"] == asked.slots["pending_offer"] is not None, "a yes next still answers the question"
