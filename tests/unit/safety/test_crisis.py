"""Crisis and distress reply texts."""

from __future__ import annotations

import pytest

from kuanxian.safety import review_message
from kuanxian.safety.crisis import (
    CRISIS_PAUSE_DAYS,
    DISTRESS_PAUSE_DAYS,
    crisis_messages,
    distress_messages,
    human_handoff_message,
)

DEBT_WORDS = ("欠款", "还款", "逾期", "分期", "金额", "借款", "贷款", "债")


def test_pause_lengths() -> None:
    assert CRISIS_PAUSE_DAYS == 30
    assert DISTRESS_PAUSE_DAYS == 7


@pytest.mark.parametrize("text", crisis_messages() + distress_messages() + [human_handoff_message()])
def test_every_text_passes_the_guard(text: str) -> None:
    review = review_message(text)
    assert review.allowed, review.to_dict()


def test_crisis_texts_are_about_safety_only() -> None:
    joined = "\n".join(crisis_messages())
    for word in DEBT_WORDS:
        assert word not in joined, word
    assert "12356" in joined
    assert "010-82951332" in joined
    assert "110" in joined and "120" in joined
    assert "工作人员" in joined
    assert "安全" in joined


def test_hope_line_is_never_the_only_number() -> None:
    for message in crisis_messages():
        if "400-161-9995" in message:
            assert "12356" in message and "010-82951332" in message


def test_messages_are_short() -> None:
    for message in crisis_messages() + distress_messages():
        assert 0 < len(message) <= 120, message


def test_distress_texts_offer_a_person_and_a_pause() -> None:
    joined = "\n".join(distress_messages())
    assert f"{DISTRESS_PAUSE_DAYS}天" in joined
    assert "工作人员" in joined
    assert "暂停" in joined


def test_functions_return_fresh_lists() -> None:
    first = crisis_messages()
    first.append("x")
    assert "x" not in crisis_messages()
