"""Ask the contact rules before promising a reminder: will it really be sent?"""

from __future__ import annotations

from datetime import datetime

from kuanxian.domain.borrower import Borrower
from kuanxian.replies.plans import ReminderOutlook
from kuanxian.safety.contact import ContactState, decide


def reminder_outlook(borrower: Borrower, at: datetime) -> ReminderOutlook:
    """What the contact rules would decide for a reminder at `at` (caps aside: they apply when it fires)."""
    flags = borrower.flags
    state = ContactState(
        timezone=borrower.timezone,
        opted_out=flags.opted_out,
        dispute_open=flags.dispute_open,
        with_collector=False,
        wrong_contact=flags.wrong_contact,
        crisis_pause_until=flags.crisis_pause_until,
        hardship_pause_until=flags.hardship_pause_until,
        breathing_space_until=flags.breathing_space_until,
        recent_contacts=(),
    )
    decision = decide(state, at)
    if decision.outcome == "suppress":
        until = decision.next_allowed_at.astimezone(borrower.zone).date() if decision.next_allowed_at else None
        return ReminderOutlook(False, decision.reason, until)
    return ReminderOutlook(True)
