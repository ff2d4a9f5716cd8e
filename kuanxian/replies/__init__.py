"""Every text the assistant composes for a Borrower, as pure functions, grouped by topic.

The actions are thin adapters around these, so wording is reviewed and tested
in one place: every text is calm and factual, offers options and a person, and
passes the guard (tests/unit/test_replies.py renders them all).
"""

from kuanxian.replies import account, contact, hardship, plans
from kuanxian.replies.common import Button, Reply
from kuanxian.replies.plans import ReminderOutlook, plan_confirmed

__all__ = ["Button", "ReminderOutlook", "Reply", "account", "contact", "hardship", "plan_confirmed", "plans"]
