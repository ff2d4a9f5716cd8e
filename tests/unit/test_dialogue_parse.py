"""What a Borrower's words say about a plan: holidays, days of the month, first dates, refusals, bare answers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Optional

import pytest

from kuanxian.dialogue import parse

TODAY = date(2025, 1, 15)  # a Wednesday


# ------------------------------------------------------------------- holidays --


@pytest.mark.parametrize(
    "text, days",
    [
        ("能不能先缓两个月，等我找到活了再分期", 60),
        ("先缓两个月", 60),
        ("能不能缓四个月", 120),
        ("停60天", 60),
        ("先停两周", 14),
        ("推迟一个月再说", 30),
        ("能不能延后半个月", 15),
        ("缓半年", 182),
        ("宽限10天可以吗", 10),
        ("能不能延期一年", 365),
        ("等到3月再开始还", 45),  # until 1 March, not "three months"
        ("缓到3月份再还", 45),
        ("等到二月", 17),
        ("等到1月", 351),  # January has begun: next January
        ("一个月以后开始 每个月600", 30),
    ],
)
def test_a_holiday_is_read_as_days(text: str, days: int) -> None:
    assert parse.holiday_days(text, TODAY) == days
    assert parse.wants_holiday(text)


@pytest.mark.parametrize(
    "text", ["分12期", "每月500", "两个月后我有钱", "我3个月后发工资", "第一期放在1月25号", "", "10号有时候也会推迟", "工资延后了"]
)
def test_no_holiday_without_a_holiday_word(text: str) -> None:
    assert parse.holiday_days(text, TODAY) is None
    assert not parse.wants_holiday(text)


def test_a_holiday_word_without_a_length_is_a_wish_without_days() -> None:
    assert parse.wants_holiday("能不能晚点还")
    assert parse.holiday_days("能不能晚点还", TODAY) is None
    assert parse.wants_holiday("can I postpone it") and parse.holiday_days("can I postpone it", TODAY) is None


# ------------------------------------------------------------- days and dates --


@pytest.mark.parametrize(
    "text, day",
    [
        ("每个月10号扣", 10),
        ("每月15号还", 15),
        ("每月的5日", 5),
        ("每个月二十号", 20),
        ("每月廿五号", 25),
        ("以后都10号", 10),
        ("每期都放在8号", 8),
        ("每月月底", 31),
        ("每个月最后一天", 31),
    ],
)
def test_a_day_of_the_month(text: str, day: int) -> None:
    assert parse.day_of_month(text) == day


@pytest.mark.parametrize("text", ["10号", "每月500", "每月32号", "每月0号", "下个月10号开始", "分12期"])
def test_no_day_of_the_month(text: str) -> None:
    assert parse.day_of_month(text) is None


@pytest.mark.parametrize(
    "text, first",
    [
        ("第一期放在1月25号", date(2025, 1, 25)),
        ("首期2月3号", date(2025, 2, 3)),
        ("下个月10号开始", date(2025, 2, 10)),
        ("2月10号起", date(2025, 2, 10)),
        ("从2月10号开始", date(2025, 2, 10)),
        ("第一期放在3月25号", date(2025, 3, 25)),
        ("等一下，5号工资还没发，改成2月10号", date(2025, 2, 10)),
        ("算了，还是2月15号吧，10号有时候也会推迟，保险一点", date(2025, 2, 15)),
    ],
)
def test_a_first_payment_date(text: str, first: date) -> None:
    assert parse.first_date(text, TODAY) == first


@pytest.mark.parametrize("text", ["2月10号", "每个月10号扣", "第一期放在1月15号", "第一期怎么算", "改成每月500"])
def test_no_first_date_without_a_cue_or_on_a_day_already_here(text: str) -> None:
    assert parse.first_date(text, TODAY) is None


@pytest.mark.parametrize(
    "today, day, after, expected",
    [
        (TODAY, 20, None, date(2025, 1, 20)),
        (TODAY, 15, None, date(2025, 2, 15)),  # strictly after today
        (TODAY, 10, None, date(2025, 2, 10)),
        (TODAY, 31, None, date(2025, 1, 31)),
        (date(2025, 1, 31), 31, None, date(2025, 2, 28)),  # clamped to the month's end
        (date(2024, 1, 31), 30, None, date(2024, 2, 29)),
        (TODAY, 10, date(2025, 3, 16), date(2025, 4, 10)),
        (TODAY, 16, date(2025, 3, 16), date(2025, 4, 16)),
        (date(2025, 12, 20), 5, None, date(2026, 1, 5)),
    ],
)
def test_next_day_of_month(today: date, day: int, after: Optional[date], expected: date) -> None:
    assert parse.next_day_of_month(today, day, after=after) == expected


# ------------------------------------------------------------------ refusals --


@pytest.mark.parametrize(
    "text",
    [
        "1075太多了… 600行不行",
        "太多了",
        "我还不起",
        "压力太大了",
        "这个有点多",
        "真的拿不出来",
        "每个月还不上",
        "800有啲吃力",
        "500都顶唔顺",
    ],
)
def test_a_refusal(text: str) -> None:
    assert parse.refuses_amount(text)


@pytest.mark.parametrize("text", ["800呢", "可以", "分24期", "每月600行不行", "好的，就这样"])
def test_not_a_refusal(text: str) -> None:
    assert not parse.refuses_amount(text)


# -------------------------------------------------------------- bare answers --


@pytest.mark.parametrize(
    "text, value",
    [
        ("3", Decimal("3")),
        ("800", Decimal("800")),
        ("800呢", Decimal("800")),
        (" 12 ", Decimal("12")),
        ("就500吧", Decimal("500")),
        ("最多600块", Decimal("600")),
        ("大概4000", Decimal("4000")),
        ("1000.5", Decimal("1000.5")),
        ("两千块", Decimal("2000")),
        ("三", Decimal("3")),
        ("800？", Decimal("800")),
    ],
)
def test_a_bare_number(text: str, value: Decimal) -> None:
    assert parse.bare_number(text) == value


@pytest.mark.parametrize("text", ["分3期", "每月800", "3个月", "800太多了", "1000.505", "12345678", "我想想", ""])
def test_not_a_bare_number(text: str) -> None:
    assert parse.bare_number(text) is None


# ---------------------------------------------------------------------- terms --


@pytest.mark.parametrize(
    "text, expected",
    [
        ("分12期", (None, 12)),
        ("每月500", (Decimal("500.00"), None)),
        ("分12期，每月500", (Decimal("500.00"), 12)),
        ("1075太多了… 600行不行", (Decimal("600.00"), None)),
        ("36期呢", (None, 36)),
        ("能不能先缓两个月，等我找到活了再分期", (None, None)),  # a holiday, never "2 installments"
        ("先缓两个月", (None, None)),
        ("先缓两个月，然后分2期", (None, 2)),
        ("每月10号还500", (Decimal("500.00"), None)),  # the 10 is a day, not an amount
        ("每个月10号扣", (None, None)),
    ],
)
def test_terms(text: str, expected: tuple[Optional[Decimal], Optional[int]]) -> None:
    assert parse.terms(text, TODAY) == expected


@pytest.mark.parametrize(
    "text, money",
    [
        ("5k", Decimal("5000")),
        ("3.5K", Decimal("3500")),
        ("四千多", Decimal("4000")),
        ("大概3500", Decimal("3500")),
        ("一个月到手6000左右", Decimal("6000")),
        ("3200", Decimal("3200")),
    ],
)
def test_money_in_an_income_answer(text: str, money: Decimal) -> None:
    assert parse.money_in(text) == money


@pytest.mark.parametrize("text", ["不知道", "不清楚", "看情况"])
def test_no_money_in_an_answer_without_a_figure(text: str) -> None:
    assert parse.money_in(text) is None


def test_later_counts_days_from_today() -> None:
    assert parse.later(TODAY, 60) == date(2025, 3, 16)
    assert parse.later(date(2024, 12, 31), 1) == date(2025, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一个月哪够啊，找工作最少也得两三个月", (None, None)),
        ("等三个月再说吧", (None, None)),
        ("分两三个月还", (None, 2)),
        ("那就分24个月，每个月500", (Decimal("500.00"), 24)),
        ("我想分三个月还完", (None, 3)),
        # what someone earns or spends, or the balance exclaimed at, is not an offer
        ("哦 一万二啊 这么多 每个月就两千来块退休金 一下子拿不出来", (None, None)),
        ("我每月收入四千，房租一千五", (None, None)),
        ("我一个月工资3000，能还500", (Decimal("500.00"), None)),
    ],
)
def test_a_span_of_months_or_an_income_is_not_a_term_of_the_plan(text: str, expected: tuple[object, object]) -> None:
    assert parse.terms(text, date(2026, 12, 6)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an amount said back in surprise, or asked about, is not an offer
        ("18000?? 你们这是抢钱吧", (None, None)),
        ("6400... 能不能先还一部分", (None, None)),
        ("我就借了一万，本金才九千，那一千是什么钱", (None, None)),
        ("36期的话每个月多少？350？", (None, 36)),
        # a fear or a what-if names no terms
        ("万一哪个月800都凑不出来怎么办", (None, None)),
        ("到时候还不上 会不会逼我一次全还清", (None, None)),
        # an offer with a paying word stays one, even asked as a question
        ("能不能每月还800？", (Decimal("800.00"), None)),
        ("600呢 600我能凑出来", (Decimal("600.00"), None)),
    ],
)
def test_an_amount_said_back_or_asked_about_is_not_an_offer(text: str, expected: tuple[object, object]) -> None:
    assert parse.terms(text, date(2026, 12, 6)) == expected


@pytest.mark.parametrize(
    ("text", "disputed"),
    [
        ("我不是不认账，利息我也认，可这个数字不对", True),
        ("帮我查一下，这个数我不认", True),
        ("不可能这么多 合同上写的是六千", True),
        ("我不是不还，就是这个月手头紧", False),
    ],
)
def test_a_dispute_is_found_past_a_not_that_i_wont_clause(text: str, disputed: bool) -> None:
    assert parse.says_dispute(text) is disputed


@pytest.mark.parametrize(
    ("text", "about_hours"),
    [
        ("能不能别在半夜发消息，我这边凌晨三点手机老响", True),
        ("提醒放白天发就行，上午最好", True),
        ("把提醒全部关掉，我不想再收到", False),
        ("别发了！我白天要睡觉", False),
        ("以后不要再发了", False),
    ],
)
def test_when_reminders_come_is_told_apart_from_stopping_them(text: str, about_hours: bool) -> None:
    assert parse.asks_quiet_hours(text) is about_hours


@pytest.mark.parametrize(
    ("text", "about_fees"),
    [
        ("欠六千三，本金才六千，那三百是什么钱", True),
        ("多收的那部分是利息还是手续费", True),
        ("罚息是怎么算的？", True),
        ("什么时候要还", False),
        ("每月还500", False),
    ],
)
def test_a_question_about_the_fees_is_recognised(text: str, about_fees: bool) -> None:
    assert parse.asks_about_fees(text) is about_fees


@pytest.mark.parametrize(
    ("text", "about_interest"),
    [
        ("分期的话利息还会一直涨吗？", True),
        ("这期间利息还算不算", True),
        ("总数是不是就12000 不会再加了？", True),
        ("停的这段时间利息还算吗", True),
        ("利息涨不涨啊", True),
        ("行吧 那第一期咋是明年1月 不是这个月8号啊？这个月逾期的会不会还在算罚息", True),
        ("明天就8号了 有点赶 不过也行吧。。罚息那个你还没回我呢 分期了还算不算", True),
        ("那最后那100交了 是不是就清了 后头还有没得啥子钱", True),
        ("最后一笔交了还有没得其他啥子钱要补", True),
        ("利息能不能免了", False),
        ("每月还600", False),
        ("利息是怎么算的", False),
    ],
)
def test_a_question_about_interest_during_a_plan_is_recognised(text: str, about_interest: bool) -> None:
    assert parse.asks_plan_interest(text) is about_interest


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("下月发工资 10号全部还", date(2027, 1, 10)),
        ("我15号发工资 20号还", date(2026, 12, 20)),
        ("算了算了，就算是5号吧。我20号发工资，20号一次还清", date(2026, 12, 20)),
    ],
)
def test_a_promise_is_on_the_day_said_with_paying_in_the_month_said_before_it(text: str, day: date) -> None:
    found = parse.promise_date(text, date(2026, 12, 6))
    assert found is not None and found.date == day


@pytest.mark.parametrize(
    ("text", "yes"),
    [("好嘞！确认✅ 爱了爱了💕", True), ("那确认确认～", True), ("👌", True), ("好的呢亲", True), ("不要 😭", False), ("确认吗？", None)],
)
def test_a_cheerful_yes_or_no_is_read_through_emoji_and_fillers(text: str, yes: bool | None) -> None:
    assert parse.yes_no(text, "plan_confirm") is yes


@pytest.mark.parametrize(
    ("text", "frequency"),
    [("每两周还100", "biweekly"), ("两周一期，每期100", "biweekly"), ("每月500", "monthly"), ("分12期", None), ("下周五还", None)],
)
def test_how_often_is_read_from_the_words(text: str, frequency: str | None) -> None:
    found = parse.frequency_in(text)
    assert (found.value if found else None) == frequency


def test_a_day_with_its_month_outweighs_a_bare_day_said_for_something_else() -> None:
    found = parse.promise_date("不对不对 15号要交房租 1月20号 20号肯定有", date(2026, 12, 6))
    assert found is not None and found.date == date(2027, 1, 20)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("你们能不能让我过完年再还", 69),  # a week after the Spring Festival of 6 February 2027
        ("能不能等过了年再还 正月十五以后", 76),
        ("这3000我现在真还不了 能不能半年以后再说", 182),
    ],
)
def test_holidays_said_as_the_new_year_or_half_a_year_are_understood(text: str, days: int) -> None:
    assert parse.holiday_days(text, date(2026, 12, 6)) == days


@pytest.mark.parametrize("text", ["我要疯了 餐馆说装修 直接关三个月 一分钱都没有", "我们场子上个月倒闭了 工资还欠我两个月的"])
def test_how_long_something_else_lasted_is_not_a_number_of_installments(text: str) -> None:
    assert parse.terms(text, date(2026, 12, 6))[1] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("那会不会因为一期没还上就说我违约", True),
        ("晚了一期是不是就要全部还", True),
        ("我担心你们一下子要我全部还上", True),
        ("我想一次还清", False),
        ("我怕以后还不上 干脆一次全部还清吧", False),
        ("每个月还500", False),
    ],
)
def test_the_fear_of_the_whole_balance_falling_due(text: str, expected: bool) -> None:
    assert parse.fears_whole_balance_due(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("从下个月开始 1月15号", date(2027, 1, 15)),
        ("每月20号扣 从下个月开始", date(2027, 1, 20)),
        ("下个月开始还", date(2027, 1, 7)),
    ],
)
def test_a_month_to_start_and_the_day_said_apart(text: str, expected: date) -> None:
    assert parse.first_date(text, date(2026, 12, 7)) == expected


@pytest.mark.parametrize("text", ["那你帮我记上吧 我家里是真的困难", "你就记下来吧"])
def test_consent_to_record_said_to_the_assistant(text: str) -> None:
    assert parse.consents_to_record(text)


@pytest.mark.parametrize("text", ["你记得我上次说的吗", "你别记"])
def test_not_consent_to_record(text: str) -> None:
    assert not parse.consents_to_record(text)


def test_a_yes_said_twice_with_thanks_starts_with_a_yes() -> None:
    assert parse.starts_yes("好的好的 谢谢你啊 麻烦你了 我去接孙子了")


@pytest.mark.parametrize(
    ("text", "relief"),
    [("算了 罚息不问了 确认这个计划", False), ("罚息就算了吧", True), ("利息能不能免了", True)],
)
def test_a_fee_subject_dropped_is_not_a_request_to_waive_it(text: str, relief: bool) -> None:
    assert parse.asks_fee_relief(text) is relief


@pytest.mark.parametrize(
    ("text", "takes"),
    [
        ("500……有点紧，咬咬牙可以", True),
        ("是有点多，不过也行吧", True),
        ("有点紧，不行", False),
        ("不行，300可以", False),
        ("有点多，可以少点吗", False),
    ],
)
def test_a_doubt_then_a_yes_in_the_last_clause_takes_the_offer(text: str, takes: bool) -> None:
    assert parse.accepts_in_the_end(text) is takes


@pytest.mark.parametrize(
    ("text", "accepts"),
    [
        ("我没要人工啊 我就要确认分期 10个月535每月8号 到底定了没", True),
        ("适合啊！！我同意了 确认 确认 确认", True),
        ("我还没同意", False),
        ("先别确认", False),
        ("确认吗", False),
        ("到底定了没", False),
    ],
)
def test_a_plan_taken_in_so_many_words(text: str, accepts: bool) -> None:
    assert parse.explicitly_accepts(text) is accepts


@pytest.mark.parametrize(
    ("text", "how"),
    [
        ("以后要再打开的话在哪弄？先别开，问问", True),
        ("关了过后以后想开的话咋个开？", True),
        ("怎么恢复提醒？帮我恢复", False),
        ("恢复提醒", False),
        ("都系帮我开返啦", False),
    ],
)
def test_how_to_turn_reminders_back_on_later_is_a_question_not_a_request(text: str, how: bool) -> None:
    assert parse.asks_how_to_resume(text) is how
    assert parse.wants_reminders_back(text) is not how


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("嗯，那就是差不多半年还完对不对", True),
        ("所以一共还12期是吧？", True),
        ("那意思就是差不多一年半就搞归一了撒？", True),
        ("那就分6期吧", False),
        ("每个月差不多500吧", False),
    ],
)
def test_the_offer_checked_in_rough_words(text: str, check: bool) -> None:
    assert parse.checks_back(text) is check


def test_every_stop_example_in_the_nlu_data_says_stop_and_a_mere_mention_does_not() -> None:
    # An opt-out needs the words to ask for it: the classifier alone once turned reminders off for
    # "收到你们短信了，我知道逾期了" (c21-01).
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    from corpus_from_nlu import examples

    said = [
        t
        for folder, pattern in (("data/nlu", "*.yml"), ("data/nlu/independent", "u*.yml"))
        for i, t in examples(folder, pattern)
        if i == "stop_contact"
    ]
    assert len(said) > 100
    assert [t for t in said if not parse.says_stop(t)] == []
    assert not parse.says_stop("收到你们短信了，我知道逾期了")
    # An English word beside Chinese has no word boundary: "stop所有提醒" is a stop; "stopwatch" is not.
    assert parse.says_stop("stop所有通知") and parse.says_stop("唔使日日提我") and not parse.says_stop("stopwatch坏了")


@pytest.mark.parametrize(
    ("text", "later"),
    [
        ("30天之后我找到工作再跟你们谈分期", True),
        ("嗯，到时候你在这上面提醒我一下就行，别打电话", True),
        ("那先这样，过俩月再说", True),
        ("我以后每个月还500", False),
        ("之后每个月10号还", False),
    ],
)
def test_the_plan_put_off_until_after_the_holiday(text: str, later: bool) -> None:
    assert parse.defers_plan(text) is later


@pytest.mark.parametrize(
    ("text", "refused"),
    [("分期我不要，说了不要", True), ("不分期", True), ("分期就算了", True), ("我想分期", False), ("分期要多久", False)],
)
def test_installments_refused(text: str, refused: bool) -> None:
    assert parse.refuses_installments(text) is refused


@pytest.mark.parametrize(
    ("text", "promise"),
    [
        ("那我下个月二十号一次还五千三百五，够不够，会不会到那天又涨了", True),
        ("下个月二十号一次还清", True),
        ("我2月3号出粮，到时一次过还晒佢", True),
        ("能不能20号一次还清？", False),
        ("20号一次还清还是分期划算", False),
    ],
)
def test_everything_on_a_day_is_a_promise_even_with_a_worry_asked_after_it(text: str, promise: bool) -> None:
    assert parse.pays_all_on_a_day(text, date(2026, 12, 7)) is promise


def test_a_yes_in_the_words_of_consent_answers_the_income_questions_too() -> None:
    assert parse.yes_no("可以 你们记下来 单子我都留着", "ie_consent") is True
    assert parse.yes_no("五百我咬咬牙可以的 就是利息还加不加", "ie_consent") is None


@pytest.mark.parametrize(("text", "answer"), [("我没事 你别安慰了 就是这阵子紧", None), ("没事，记吧", True), ("不要给我记", False)])
def test_i_am_fine_is_no_consent_to_record_a_hardship(text: str, answer: bool | None) -> None:
    assert parse.yes_no(text, "hardship_consent") is answer
    assert parse.consents_to_record(text) is bool(answer)


def test_consent_in_sichuanese_with_a_question_after_it_is_a_yes() -> None:
    assert parse.yes_no("可以 受伤这个事你们记嘛 要不要我拍医院的证明给你", "hardship_consent") is True


@pytest.mark.parametrize(
    ("text", "dispute"), [("这样算分期吗？会不会再多收钱？", False), ("你们多收了我200", True), ("是不是多扣了", True)]
)
def test_a_worry_about_being_charged_more_later_is_no_dispute(text: str, dispute: bool) -> None:
    assert parse.says_dispute(text) is dispute


@pytest.mark.parametrize(("text", "yes"), [("四百多……行吧，咬咬牙", True), ("不行，咬咬牙也不行", False)])
def test_a_yes_then_the_resolve_to_manage_it_accepts(text: str, yes: bool) -> None:
    assert parse.accepts_in_the_end(text) is yes


@pytest.mark.parametrize("text", ["最近店里生意孬得很 美甲的客人少了一半", "我现在工资被砍了一半"])
def test_an_income_cut_is_a_hardship(text: str) -> None:
    assert parse.mentions_hardship(text)


# ---------------------------------------------------------- held-out scripts c29-c30 --


@pytest.mark.parametrize(
    "text, rough",
    [
        ("一百六十几也行", (Decimal("160"), Decimal("170"))),
        ("一千多吧", (Decimal("1000"), Decimal("2000"))),
        ("500左右", (Decimal("450"), Decimal("550"))),
        ("每月500", None),  # said exactly
        ("163多", None),  # no round figure to be rough about
    ],
)
def test_an_amount_said_roughly_covers_a_range(text: str, rough: Optional[tuple[Decimal, Decimal]]) -> None:
    assert parse.rough_amount(text) == rough


@pytest.mark.parametrize(
    "text, half",
    [
        ("能不能先还一半 剩下的下个月还", True),
        ("这个月先还一半，下个月再还一半", True),
        ("刚才说的那个 先还一半 还能办吗", True),
        ("我今天先还1500，剩下1500下个月再还", True),
        ("已经还了一半了", False),
        ("一半以上的人都这样", False),
    ],
)
def test_half_now_and_the_rest_later(text: str, half: bool) -> None:
    assert parse.half_now_rest_later(text) is half


@pytest.mark.parametrize(
    "text, wait",
    [
        ("能不能等一等，等工钱要回来了我就还", True),
        ("过了春节行不行", True),
        ("等工资发了就还", True),
        ("我等一下再看", False),
        ("等我问问我老婆", False),
    ],
)
def test_a_wait_asked_for_in_so_many_words(text: str, wait: bool) -> None:
    assert parse.asks_to_wait(text) is wait


def test_after_the_spring_festival_is_a_holiday_until_a_week_after_it() -> None:
    today = date(2026, 12, 7)
    assert parse.holiday_days("过了春节行不行", today) == (date(2027, 2, 6) + timedelta(days=7) - today).days


def test_short_of_money_on_a_day_is_not_an_amount_refused() -> None:
    assert not parse.refuses_amount("不对 是每月15号 我们公司15号发工资 10号卡里没钱的")
    assert parse.refuses_amount("4000太多了 我没钱")


def test_a_sum_promised_at_signing_questions_the_debt() -> None:
    assert parse.says_dispute("为什么是5350？借的时候说好利息一共200的")
    assert not parse.says_dispute("那就按说好的200来")


@pytest.mark.parametrize("text, closing", [("好 谢谢你哈 🙏", True), ("好的谢谢！！", True), ("谢谢 我再想想", False), ("好", False)])
def test_a_message_that_only_closes_the_talk(text: str, closing: bool) -> None:
    assert parse.closes(text) is closing


def test_waiting_until_a_month_then_talking_again_defers_the_plan() -> None:
    assert parse.defers_plan("好 谢谢你 那我就等三月份再说")


def test_asking_whether_it_must_be_paid_at_once_is_not_offering_to() -> None:
    assert not parse.lump_sum("那停完了以后 是从什么时候开始还 是要一次都还上吗")
    assert parse.lump_sum("缓完以后我争取一次还清")


@pytest.mark.parametrize(
    "text, asked", [("我到底欠多少钱 几号该还", True), ("最晚哪天要还", True), ("还款日是几号", True), ("我15号还", False)]
)
def test_the_due_date_asked(text: str, asked: bool) -> None:
    assert parse.asks_due_date(text) is asked


def test_pay_told_is_not_a_loan_paid_out_short() -> None:
    assert not parse.says_dispute("白天超市晚上分拣 孩子还得有人管 一个月到手就那么点 唉 我就是唠叨两句")
    assert parse.says_dispute("我借的时候到手就4800 你们咋写5000")
