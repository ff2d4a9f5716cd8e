"""Crisis and distress reply texts, and the crisis lines for where the borrower lives."""

from __future__ import annotations

import itertools

import pytest

from kuanxian.safety import review_message
from kuanxian.safety.crisis import (
    CONCERN_LINES,
    DIRECT_QUESTION,
    MONEY_CAN_WAIT,
    PRESENCE_LINES,
    RISK_DENIED,
    about_someone_else,
    concern_for_other_messages,
    crisis_lines,
    crisis_messages,
    crisis_presence,
    crisis_wait,
    distress_messages,
    family_question_answer,
    lines_text,
    risk_confirmed,
    sign_again,
)

DEBT_WORDS = ("欠款", "还款", "逾期", "分期", "金额", "借款", "贷款", "债", "钱")
ZONES = ("Asia/Shanghai", "America/New_York", "Europe/London")


def _all_texts() -> list[str]:
    texts = [*distress_messages(7), RISK_DENIED]
    for zone in ZONES:
        texts += [
            *crisis_messages(zone),
            *crisis_messages(zone, person_back="北京时间12月7日 09:00（您当地时间12月6日 20:00）"),
            *(crisis_presence(zone, recent=PRESENCE_LINES[:n]) for n in range(4)),
            crisis_presence(zone, with_lines=True),
        ]
        texts += [risk_confirmed(zone), sign_again(zone)]
        # What the Borrower's own words add: the family question answered, a means put away; a worried relative.
        asked = "我要是不在了 这钱是不是要我儿子还 棚里有瓶农药"
        texts += [*crisis_messages(zone, text=asked), risk_confirmed(zone, person_back="12月7日 09:00", text=asked)]
        texts += [sign_again(zone, text=asked), family_question_answer("会找他不")]
        texts += [*concern_for_other_messages(zone), crisis_presence(zone, with_lines=True, for_other=True)]
        texts += [crisis_presence(zone, recent=CONCERN_LINES[:n], for_other=True) for n in range(2)]
    return texts


@pytest.mark.parametrize("text", _all_texts())
def test_every_text_passes_the_guard(text: str) -> None:
    review = review_message(text)
    assert review.allowed, review.to_dict()


@pytest.mark.parametrize("zone", ZONES)
def test_crisis_texts_are_about_safety_only(zone: str) -> None:
    presence = [crisis_presence(zone, recent=PRESENCE_LINES[:n]) for n in range(4)]
    joined = "\n".join([*crisis_messages(zone), *presence, crisis_presence(zone, with_lines=True), risk_confirmed(zone)])
    for word in DEBT_WORDS:
        assert word not in joined, word
    assert "工作人员" in joined
    assert "12356" in joined and "010-82951332" in joined  # mainland lines: they may call home


def test_emergency_numbers_follow_the_region() -> None:
    assert "110 或 120" in "\n".join(crisis_messages("Asia/Shanghai"))
    assert "911" in "\n".join(crisis_messages("America/New_York"))
    assert "999" in "\n".join(crisis_messages("Europe/London"))
    assert crisis_lines("America/Chicago")[0].number == "988"
    assert crisis_lines("Europe/London")[0].number == "116 123"
    assert [line.number for line in crisis_lines()] == ["12356", "010-82951332", "400-161-9995"]


@pytest.mark.parametrize("zone", ZONES)
def test_the_volunteer_line_is_never_the_only_number(zone: str) -> None:
    text = lines_text(zone)
    if "400-161-9995" in text:
        assert "12356" in text and "010-82951332" in text
        assert text.index("400-161-9995") > text.index("12356")


def test_messages_are_short() -> None:
    hotlines = lines_text()
    for message in crisis_messages() + distress_messages(7):
        limit = 200 if message == hotlines else 120  # the list of lines is one message, one line per number
        assert 0 < len(message) <= limit, message


@pytest.mark.parametrize("days", [1, 7, 30])
def test_distress_texts_offer_a_person_and_the_pause(days: int) -> None:
    joined = "\n".join(distress_messages(days))
    assert f"{days}天" in joined
    assert "工作人员" in joined and "暂停" in joined
    assert "12356" in joined


def test_functions_return_fresh_lists() -> None:
    first = crisis_messages()
    first.append("x")
    assert "x" not in crisis_messages()


def test_a_yes_to_the_direct_question_gets_the_local_emergency_number_and_a_line_at_once() -> None:
    assert "110 或 120" in risk_confirmed("Asia/Shanghai") and "12356" in risk_confirmed("Asia/Shanghai")
    assert "911" in risk_confirmed("America/New_York") and "988" in risk_confirmed("America/New_York")


def test_supportive_lines_while_waiting_do_not_repeat_back_to_back() -> None:
    lines: list[str] = []
    for _ in range(8):
        lines.append(crisis_presence(recent=lines[-3:]))
    assert all(a != b for a, b in itertools.pairwise(lines)), lines


def test_out_of_hours_the_crisis_texts_say_when_a_person_comes_and_point_to_the_lines() -> None:
    texts = "\n".join(crisis_messages("America/New_York", person_back="北京时间12月7日 09:00（您当地时间12月6日 20:00）"))
    assert "马上加入" not in texts, "no promise of a person at once who cannot come"
    assert "您当地时间12月6日 20:00" in texts and "24小时" in texts and "988" in texts


def test_the_family_question_and_a_means_named_are_answered_only_when_they_come_up() -> None:
    asked = crisis_messages("Asia/Shanghai", text="我要是不在了 这钱是不是要我儿子还")
    assert "家里人不用替你还" in "\n".join(asked) and "农药" not in "\n".join(asked)
    assert "放远一点" in risk_confirmed("Asia/Shanghai", text="棚里有瓶农药")
    plain = "\n".join(crisis_messages("Asia/Shanghai", text="我撑不下去了"))
    assert "家里人" not in plain and "放远一点" not in plain
    assert family_question_answer("嗯") == ""


def test_out_of_staffed_hours_a_yes_is_not_promised_a_person_at_once() -> None:
    back = risk_confirmed("Asia/Shanghai", person_back="12月7日 09:00")
    assert "12月7日 09:00" in back and "马上就来" not in back
    assert all("马上就来" not in line and "很快就到" not in line for line in PRESENCE_LINES)


def test_someone_worried_about_a_relative_is_not_asked_about_their_own_life() -> None:
    assert about_someone_else("我是她儿子 我妈晚上老哭 上周说活着太累了不想活了")
    assert not about_someone_else("我妈走了，我也不想活了"), "a loss and their own wish: the writer is at risk"
    said = "\n".join(concern_for_other_messages("Asia/Shanghai"))
    assert DIRECT_QUESTION not in said and "12356" in said and "110" in said


@pytest.mark.parametrize("text", [MONEY_CAN_WAIT, *(crisis_wait(zone, n, 10) for zone in ZONES for n in (0, 3))])
def test_waiting_texts_in_a_crisis_pass_the_guard(text: str) -> None:
    review = review_message(text)
    assert review.allowed, review.to_dict()


def test_the_wait_in_a_crisis_says_first_in_line_and_who_answers_now() -> None:
    said = crisis_wait("America/New_York", 2, 15)
    assert "最优先" in said and "前面还有2位" in said and "15分钟" in said
    assert "988" in said and "911" in said, "the line and the emergency number where the Borrower lives"


def test_someone_who_just_said_they_are_safe_is_not_asked_again() -> None:
    for n in range(4):
        assert "？" not in crisis_presence("Asia/Shanghai", recent=PRESENCE_LINES[:n], safe=True)
