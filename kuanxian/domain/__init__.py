"""The domain nouns, one module each: the same types in the actions, the hub and storage.

Borrower, Collector, Conversation, Message, Handoff, PaymentPlan, Installment,
Payment, Promise, Reminder, Hardship. Plain frozen dataclasses and StrEnums
that work in both virtual environments (no pydantic, no SQLAlchemy here).
"""

from kuanxian.domain.borrower import Borrower, ContactFlags
from kuanxian.domain.clock import Clock, SystemClock
from kuanxian.domain.collector import Collector, Role
from kuanxian.domain.conversation import Conversation, ConversationStatus, Speaker, TransitionError
from kuanxian.domain.handoff import Handoff, HandoffReason, Priority
from kuanxian.domain.hardship import Hardship, HardshipCategory
from kuanxian.domain.message import Button, Message, SenderType
from kuanxian.domain.plan import Installment, InstallmentStatus, PaymentPlan, PlanStatus

__all__ = [
    "Borrower",
    "Button",
    "Clock",
    "Collector",
    "ContactFlags",
    "Conversation",
    "ConversationStatus",
    "Handoff",
    "HandoffReason",
    "Hardship",
    "HardshipCategory",
    "Installment",
    "InstallmentStatus",
    "Message",
    "PaymentPlan",
    "PlanStatus",
    "Priority",
    "Role",
    "SenderType",
    "Speaker",
    "SystemClock",
    "TransitionError",
]
