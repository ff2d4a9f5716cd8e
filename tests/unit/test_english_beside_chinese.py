"""English words typed straight into Chinese ("想pause两个月", "我想kill myself了") are read as words.

Python's `\\b` sees no boundary between a Latin letter and a Chinese character, so every pattern that looked for
an English word with `\\b` missed it when Chinese touched it. These are the places a Borrower would notice.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from kuanxian.dates import Frequency, parse_frequency
from kuanxian.dialogue import parse
from kuanxian.hub.risk import denies_risk
from kuanxian.latin import ascii_boundaries, latin_word
from kuanxian.safety.lexicon import assess_lexicon
from kuanxian.safety.rules import review_rules

TODAY = date(2025, 1, 15)


@pytest.mark.parametrize("text, days", [("想pause两个月", 60), ("可以defer一个月吗", 30), ("先postpone两个月再说", 60)])
def test_a_holiday_asked_in_english_is_a_holiday(text: str, days: int) -> None:
    assert parse.wants_holiday(text)
    assert parse.holiday_days(text, TODAY) == days


@pytest.mark.parametrize("text", ["提醒td", "td所有短信", "stop所有提醒", "别再发了unsubscribe谢谢"])
def test_stop_words_in_english_stop_the_reminders(text: str) -> None:
    assert parse.says_stop(text)


@pytest.mark.parametrize("text", ["我要还std的钱", "今天stopover在上海转机"])
def test_english_words_inside_longer_words_are_not_stop_words(text: str) -> None:
    assert not parse.says_stop(text)


def test_personal_data_asked_about_in_english_is_a_data_question() -> None:
    assert parse.asks_about_personal_data("我的data你们会删除吗")
    assert not parse.asks_about_personal_data("我的database课还没考完")


def test_goodbye_in_english_beside_chinese() -> None:
    assert parse.says_goodbye("好的bye")
    assert parse.says_goodbye("那先这样byebye")


@pytest.mark.parametrize(
    "text, expected",
    [("想biweekly还", Frequency.BIWEEKLY), ("按weekly还行吗", Frequency.WEEKLY), ("还是monthly吧", Frequency.MONTHLY)],
)
def test_a_frequency_said_in_english_beside_chinese(text: str, expected: Frequency) -> None:
    assert parse_frequency(text) == expected


def test_a_no_in_english_to_the_crisis_question_is_a_no() -> None:
    assert denies_risk("no啦，我只是心情不好")


def test_crisis_words_in_english_beside_chinese_are_seen_by_the_lexicon() -> None:
    assert assess_lexicon("我真的想kill myself了").level == "crisis"
    assert assess_lexicon("写好了suicide note放在桌上").level == "crisis"


def test_hearsay_in_english_beside_chinese_still_exempts_a_warning() -> None:
    # A warning that quotes someone else's threat in English is not our threat.
    plain = review_rules("有些催收会threaten to联系您的家人，我们不会这样做")
    assert plain.exempted or not plain.blocked


def test_latin_word_is_a_whole_english_word() -> None:
    rx = re.compile(latin_word("no|nope"), re.I)
    assert rx.search("No啦") and rx.search("嗯，nope")
    assert not rx.search("nothing") and not rx.search("piano")
    assert re.search(latin_word("bye", prefix=True), "byebye")


def test_ascii_boundaries_keep_english_meaning_and_escapes() -> None:
    rx = re.compile(ascii_boundaries(r"\bkill myself\b"), re.I)
    assert rx.search("我想kill myself了") and rx.search("I want to kill myself.")
    assert not rx.search("skill myselfie")
    assert ascii_boundaries(r"\\b[\b]") == r"\\b[\b]"
