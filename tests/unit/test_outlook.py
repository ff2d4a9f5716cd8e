"""Before promising a reminder, ask the contact rules whether it will really be sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from kuanxian.demo import DEMO_BORROWERS
from kuanxian.dialogue.outlook import reminder_outlook
from kuanxian.replies.plans import ReminderOutlook

BORROWER = DEMO_BORROWERS[0]  # Asia/Shanghai
NEW_YORK = DEMO_BORROWERS[2]  # America/New_York
# A reminder at 10:00 in Shanghai on 20 January 2025.
AT = datetime(2025, 1, 20, 2, 0, tzinfo=UTC)


def test_a_borrower_without_flags_will_be_reminded() -> None:
    assert reminder_outlook(BORROWER, AT) == ReminderOutlook(True)


@pytest.mark.parametrize(
    "flags, reason",
    [
        ({"opted_out": True}, "opted_out"),
        ({"dispute_open": True}, "dispute_open"),
        ({"wrong_contact": True}, "wrong_contact"),
    ],
)
def test_a_permanent_stop_is_not_allowed_with_its_reason_and_no_date(flags: dict[str, object], reason: str) -> None:
    assert reminder_outlook(BORROWER.with_flags(**flags), AT) == ReminderOutlook(False, reason, None)


def test_an_opt_out_wins_over_a_pause() -> None:
    borrower = BORROWER.with_flags(opted_out=True, hardship_pause_until=AT + timedelta(days=7))
    assert reminder_outlook(borrower, AT) == ReminderOutlook(False, "opted_out", None)


def test_a_hardship_pause_is_not_allowed_until_its_date_in_the_borrowers_zone() -> None:
    # The pause ends at 20:00 UTC on the 26th: already 04:00 on the 27th in Shanghai, and the first
    # allowed moment after it (quiet hours end at 08:00) is on the 27th there.
    borrower = BORROWER.with_flags(hardship_pause_until=datetime(2025, 1, 26, 20, 0, tzinfo=UTC))
    assert reminder_outlook(borrower, AT) == ReminderOutlook(False, "hardship_pause", date(2025, 1, 27))


def test_a_hardship_pause_ending_in_the_evening_allows_the_next_morning() -> None:
    # 13:30 UTC on the 26th is 21:30 in Shanghai: quiet, so the next allowed moment is 08:00 on the 27th.
    borrower = BORROWER.with_flags(hardship_pause_until=datetime(2025, 1, 26, 13, 30, tzinfo=UTC))
    assert reminder_outlook(borrower, AT).until == date(2025, 1, 27)
    morning = BORROWER.with_flags(hardship_pause_until=datetime(2025, 1, 26, 2, 0, tzinfo=UTC))
    assert reminder_outlook(morning, AT).until == date(2025, 1, 26)


def test_a_crisis_pause_is_not_allowed_until_its_date() -> None:
    borrower = BORROWER.with_flags(crisis_pause_until=datetime(2025, 2, 19, 2, 0, tzinfo=UTC))
    assert reminder_outlook(borrower, AT) == ReminderOutlook(False, "crisis_pause", date(2025, 2, 19))


def test_a_crisis_pause_is_named_before_a_hardship_pause() -> None:
    borrower = BORROWER.with_flags(crisis_pause_until=AT + timedelta(days=30), hardship_pause_until=AT + timedelta(days=7))
    outlook = reminder_outlook(borrower, AT)
    assert (outlook.allowed, outlook.reason) == (False, "crisis_pause")
    assert outlook.until == date(2025, 2, 19)


def test_a_breathing_space_is_not_allowed_until_its_date() -> None:
    borrower = BORROWER.with_flags(breathing_space_until=datetime(2025, 3, 1, 2, 0, tzinfo=UTC))
    assert reminder_outlook(borrower, AT) == ReminderOutlook(False, "breathing_space", date(2025, 3, 1))


def test_a_pause_that_has_ended_allows_the_reminder() -> None:
    borrower = BORROWER.with_flags(hardship_pause_until=AT - timedelta(seconds=1), crisis_pause_until=AT - timedelta(days=1))
    assert reminder_outlook(borrower, AT) == ReminderOutlook(True)


def test_a_reminder_at_night_is_still_allowed_because_it_is_only_deferred() -> None:
    night = datetime(2025, 1, 20, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    assert reminder_outlook(BORROWER, night) == ReminderOutlook(True)


def test_the_date_is_the_borrowers_own() -> None:
    # 03:00 UTC on 1 March is still 22:00 on 28 February in New York; the first allowed moment is 08:00 on 1 March there.
    pause_end = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)
    outlook = reminder_outlook(NEW_YORK.with_flags(hardship_pause_until=pause_end), AT)
    assert outlook == ReminderOutlook(False, "hardship_pause", date(2025, 3, 1))
    early = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)  # 20:00 on 28 February in New York
    assert reminder_outlook(NEW_YORK.with_flags(hardship_pause_until=early), AT).until == date(2025, 2, 28)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        reminder_outlook(BORROWER, datetime(2025, 1, 20, 10, 0))


def test_the_outlook_does_not_change_the_borrower() -> None:
    borrower = replace(BORROWER)
    reminder_outlook(borrower.with_flags(opted_out=True), AT)
    assert borrower.flags == BORROWER.flags
