"""The one database schema, shared by the action server and the hub.

SQLAlchemy Core only, so the same tables work on SQLAlchemy 1.4 (the Rasa
venv) and 2.x (the hub venv). Money is stored as integer fen and times as UTC;
`kuanxian.storage.types` converts at the boundary.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from kuanxian.storage.types import UTCDateTime

metadata = MetaData()

borrowers = Table(
    "borrowers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("display_name", String(100), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("currency", String(3), nullable=False, default="CNY"),
    Column("principal_fen", BigInteger, nullable=False),
    Column("interest_and_fees_fen", BigInteger, nullable=False),
    Column("days_overdue", Integer, nullable=False, default=0),
    Column("due_day", Integer, nullable=False),
    # Lender policy for this account.
    Column("min_installment_fen", BigInteger, nullable=False),
    Column("max_term_months", Integer, nullable=False),
    Column("allowed_frequencies", String(64), nullable=False, default="monthly"),
    Column("payment_holiday_days", Integer, nullable=False, default=0),
    Column("interest_freeze_on_hardship", Boolean, nullable=False, default=False),
    # Contact flags: what the borrower told us, and what the lender set.
    Column("opted_out", Boolean, nullable=False, default=False),
    Column("dispute_open", Boolean, nullable=False, default=False),
    Column("wrong_contact", Boolean, nullable=False, default=False),
    Column("breathing_space_until", UTCDateTime, nullable=True),
    Column("crisis_pause_until", UTCDateTime, nullable=True),
    Column("hardship_pause_until", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

hardships = Table(
    "hardships",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("borrower_id", String(64), ForeignKey("borrowers.id"), nullable=False, index=True),
    Column("conversation_id", String(64), nullable=True),
    Column("category", String(32), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

payment_plans = Table(
    "payment_plans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("borrower_id", String(64), ForeignKey("borrowers.id"), nullable=False, index=True),
    Column("conversation_id", String(64), nullable=True),
    Column("status", String(16), nullable=False, default="active"),
    Column("frequency", String(16), nullable=False),
    Column("installment_amount_fen", BigInteger, nullable=False),
    Column("installment_count", Integer, nullable=False),
    Column("last_amount_fen", BigInteger, nullable=False),
    Column("total_fen", BigInteger, nullable=False),
    Column("first_date", Date, nullable=False),
    Column("interest_frozen", Boolean, nullable=False, default=False),
    Column("holiday_days", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
)

installments = Table(
    "installments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", Integer, ForeignKey("payment_plans.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("status", String(16), nullable=False, default="due"),
    UniqueConstraint("plan_id", "seq", name="uq_installment_seq"),
)

collectors = Table(
    "collectors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(64), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("borrower_id", String(64), ForeignKey("borrowers.id"), nullable=False),
    # bot | waiting_for_collector | with_collector | resolved
    Column("status", String(32), nullable=False, default="bot"),
    Column("priority", String(16), nullable=True),
    Column("reason", String(32), nullable=True),
    Column("collector_id", Integer, ForeignKey("collectors.id"), nullable=True),
    Column("waiting_since", UTCDateTime, nullable=True),
    Column("last_seq", Integer, nullable=False, default=0),
    Column("last_read_seq", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_conversations_borrower_status", "borrower_id", "status"),
    Index("ix_conversations_status", "status"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    # borrower | bot | collector | system
    Column("sender_type", String(16), nullable=False),
    Column("collector_id", Integer, ForeignKey("collectors.id"), nullable=True),
    Column("text", Text, nullable=False),
    Column("buttons", Text, nullable=False, default="[]"),
    Column("client_id", String(128), nullable=True),
    # Internal collector notes never reach the borrower.
    Column("internal", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("conversation_id", "seq", name="uq_message_seq"),
    UniqueConstraint("conversation_id", "client_id", name="uq_message_client_id"),
)

handoffs = Table(
    "handoffs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), ForeignKey("conversations.id"), nullable=False, index=True),
    Column("reason", String(32), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("summary", Text, nullable=True),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("collector_id", Integer, ForeignKey("collectors.id"), nullable=True),
    Column("claimed_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    # handed_back | resolved
    Column("outcome", String(16), nullable=True),
    Column("agreed", Text, nullable=True),
)

reminders = Table(
    "reminders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("borrower_id", String(64), ForeignKey("borrowers.id"), nullable=False),
    # upcoming_due | overdue | installment_due | follow_up
    Column("kind", String(32), nullable=False),
    # lender | borrower | plan
    Column("source", String(16), nullable=False),
    Column("send_at", UTCDateTime, nullable=False),
    Column("scheduled_for", UTCDateTime, nullable=True),
    # scheduled | deferred | suppressed | sent | cancelled
    Column("status", String(16), nullable=False),
    Column("reason", String(64), nullable=True),
    Column("amount_fen", BigInteger, nullable=True),
    Column("due_date", Date, nullable=True),
    Column("plan_id", Integer, ForeignKey("payment_plans.id"), nullable=True),
    Column("installment_seq", Integer, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_reminders_due", "status", "scheduled_for"),
    Index("ix_reminders_borrower", "borrower_id"),
)

reminder_decisions = Table(
    "reminder_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reminder_id", Integer, ForeignKey("reminders.id"), nullable=False, index=True),
    Column("decided_at", UTCDateTime, nullable=False),
    # scheduled | deferred | suppressed | sent | failed | cancelled
    Column("outcome", String(16), nullable=False),
    Column("reason", String(64), nullable=True),
    Column("scheduled_for", UTCDateTime, nullable=True),
)
