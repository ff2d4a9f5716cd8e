"""The one database schema. The hub writes it; the action server only reads it.

SQLAlchemy Core only, so the same tables work on SQLAlchemy 1.4 (the Rasa
venv) and 2.x (the hub venv). Money is stored as integer fen and times as UTC;
`kuanxian.storage.types` converts at the boundary. Changes go through Alembic
migrations (kuanxian/storage/migrations), run by the hub at start.
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
    # What the assistant said with its commands (0003): why reminders are paused, the Borrower's dispute in their words.
    Column("hardship_pause_reason", String(32), nullable=True),
    Column("dispute_summary", Text, nullable=True),
    Column("dispute_opened_at", UTCDateTime, nullable=True),
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
    # assistant | collector:<id>; an exception a lead must approve is marked here too
    Column("agreed_by", String(64), nullable=False, server_default="assistant"),
    Column("status_changed_at", UTCDateTime, nullable=True),
)

installments = Table(
    "installments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("plan_id", Integer, ForeignKey("payment_plans.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    # due | paid | partly_paid | missed
    Column("status", String(16), nullable=False, default="due"),
    Column("paid_fen", BigInteger, nullable=False, server_default="0"),
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
    # collector | lead | trainer
    Column("role", String(16), nullable=False, server_default="collector"),
    # Demo accounts never log in outside demo mode.
    Column("demo", Boolean, nullable=False, server_default="0"),
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
    # holder | third_party: who seems to be typing (see kuanxian.safety.identity)
    Column("speaker", String(16), nullable=False, server_default="holder"),
    # The last "a person is coming" acknowledgment while waiting (at most one every few minutes).
    Column("acknowledged_at", UTCDateTime, nullable=True),
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
    # JSON: what the assistant offered and the Borrower refused, hardship, requests beyond policy.
    Column("details", Text, nullable=False, server_default="{}"),
)

# A Borrower message accepted by the hub whose turn has not finished yet. A hub
# that dies mid-turn leaves the row; the next hub to start finishes it.
turns = Table(
    "turns",
    metadata,
    Column("conversation_id", String(64), ForeignKey("conversations.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    # pending | done
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Index("ix_turns_status", "status", "created_at"),
)

# Every change a command made to an account, so a change made in words of a
# third party on the Borrower's phone can be found and reverted.
account_changes = Table(
    "account_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("borrower_id", String(64), ForeignKey("borrowers.id"), nullable=False, index=True),
    Column("conversation_id", String(64), nullable=True),
    Column("command", String(32), nullable=False),
    Column("field", String(64), nullable=False),
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Column("at", UTCDateTime, nullable=False),
    Column("reverted_at", UTCDateTime, nullable=True),
    # Why, for a change made through the admin API (0003).
    Column("note", Text, nullable=True),
)

# "这条不该拦": a collector reports a block; a trainer labels it into the corpus.
guard_reports = Table(
    "guard_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("text", Text, nullable=False),
    Column("reported_by", Integer, ForeignKey("collectors.id"), nullable=False),
    Column("conversation_id", String(64), nullable=True),
    Column("violations", Text, nullable=False, server_default="[]"),
    Column("created_at", UTCDateTime, nullable=False),
    # open | labelled | dismissed
    Column("status", String(16), nullable=False, server_default="open"),
    Column("label", String(16), nullable=True),
    Column("category", String(32), nullable=True),
    Column("labelled_by", Integer, ForeignKey("collectors.id"), nullable=True),
    Column("labelled_at", UTCDateTime, nullable=True),
)

# Console logins that failed, for throttling per username and per address across hubs.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(160), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_login_failures_key_at", "key", "at"),
)

# Every text the guard blocked: from the assistant, a trainer's template or a collector.
blocked_texts = Table(
    "blocked_texts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), nullable=True),
    # bot | collector | template
    Column("author", String(16), nullable=False),
    Column("category", String(32), nullable=False),
    Column("rule_id", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index("ix_blocked_texts_at", "at"),
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
    # The note of a Reminder the assistant asked for (schedule_reminder), e.g. borrower_request (0003).
    Column("note", String(500), nullable=True),
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

promises = Table(
    "promises",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("borrower_id", String(64), ForeignKey("borrowers.id"), nullable=False, index=True),
    Column("conversation_id", String(64), nullable=True),
    Column("promised_for", Date, nullable=False),
    Column("amount_fen", BigInteger, nullable=True),
    # open | kept | missed | cancelled
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("settled_at", UTCDateTime, nullable=True),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # The lender's own id: a repeated POST with the same id changes nothing.
    Column("payment_id", String(128), nullable=False, unique=True),
    Column("borrower_id", String(64), ForeignKey("borrowers.id"), nullable=False, index=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("paid_at", UTCDateTime, nullable=False),
    Column("plan_id", Integer, ForeignKey("payment_plans.id"), nullable=True),
    # JSON list of {seq, amount_fen}; overpaid fen beyond the plan reduce the balance
    Column("allocations", Text, nullable=False, server_default="[]"),
    Column("received_at", UTCDateTime, nullable=False),
)

# The transactional outbox: written in the same transaction as the change it reports.
outbox = Table(
    "outbox",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("type", String(48), nullable=False),
    Column("borrower_id", String(64), nullable=True),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("data", Text, nullable=False),
    # pending | delivered | dead
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", UTCDateTime, nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
    Index("ix_outbox_due", "status", "next_attempt_at"),
)
