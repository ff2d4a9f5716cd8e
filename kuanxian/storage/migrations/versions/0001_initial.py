"""The schema as it stood before migrations (main at a2d7752): borrowers, plans, conversations, reminders.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from kuanxian.storage.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "borrowers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("principal_fen", sa.BigInteger, nullable=False),
        sa.Column("interest_and_fees_fen", sa.BigInteger, nullable=False),
        sa.Column("days_overdue", sa.Integer, nullable=False),
        sa.Column("due_day", sa.Integer, nullable=False),
        sa.Column("min_installment_fen", sa.BigInteger, nullable=False),
        sa.Column("max_term_months", sa.Integer, nullable=False),
        sa.Column("allowed_frequencies", sa.String(64), nullable=False),
        sa.Column("payment_holiday_days", sa.Integer, nullable=False),
        sa.Column("interest_freeze_on_hardship", sa.Boolean, nullable=False),
        sa.Column("opted_out", sa.Boolean, nullable=False),
        sa.Column("dispute_open", sa.Boolean, nullable=False),
        sa.Column("wrong_contact", sa.Boolean, nullable=False),
        sa.Column("breathing_space_until", UTCDateTime, nullable=True),
        sa.Column("crisis_pause_until", UTCDateTime, nullable=True),
        sa.Column("hardship_pause_until", UTCDateTime, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "hardships",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("borrower_id", sa.String(64), sa.ForeignKey("borrowers.id"), nullable=False, index=True),
        sa.Column("conversation_id", sa.String(64), nullable=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "payment_plans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("borrower_id", sa.String(64), sa.ForeignKey("borrowers.id"), nullable=False, index=True),
        sa.Column("conversation_id", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("installment_amount_fen", sa.BigInteger, nullable=False),
        sa.Column("installment_count", sa.Integer, nullable=False),
        sa.Column("last_amount_fen", sa.BigInteger, nullable=False),
        sa.Column("total_fen", sa.BigInteger, nullable=False),
        sa.Column("first_date", sa.Date, nullable=False),
        sa.Column("interest_frozen", sa.Boolean, nullable=False),
        sa.Column("holiday_days", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "installments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("payment_plans.id"), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.UniqueConstraint("plan_id", "seq", name="uq_installment_seq"),
    )
    op.create_table(
        "collectors",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("borrower_id", sa.String(64), sa.ForeignKey("borrowers.id"), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("priority", sa.String(16), nullable=True),
        sa.Column("reason", sa.String(32), nullable=True),
        sa.Column("collector_id", sa.Integer, sa.ForeignKey("collectors.id"), nullable=True),
        sa.Column("waiting_since", UTCDateTime, nullable=True),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("last_read_seq", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Index("ix_conversations_borrower_status", "borrower_id", "status"),
        sa.Index("ix_conversations_status", "status"),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("sender_type", sa.String(16), nullable=False),
        sa.Column("collector_id", sa.Integer, sa.ForeignKey("collectors.id"), nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("buttons", sa.Text, nullable=False),
        sa.Column("client_id", sa.String(128), nullable=True),
        sa.Column("internal", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_message_seq"),
        sa.UniqueConstraint("conversation_id", "client_id", name="uq_message_client_id"),
    )
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id"), nullable=False, index=True),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text, nullable=True),
        sa.Column("requested_at", UTCDateTime, nullable=False),
        sa.Column("collector_id", sa.Integer, sa.ForeignKey("collectors.id"), nullable=True),
        sa.Column("claimed_at", UTCDateTime, nullable=True),
        sa.Column("closed_at", UTCDateTime, nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("agreed", sa.Text, nullable=True),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("borrower_id", sa.String(64), sa.ForeignKey("borrowers.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("send_at", UTCDateTime, nullable=False),
        sa.Column("scheduled_for", UTCDateTime, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("amount_fen", sa.BigInteger, nullable=True),
        sa.Column("due_date", sa.Date, nullable=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("payment_plans.id"), nullable=True),
        sa.Column("installment_seq", sa.Integer, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", UTCDateTime, nullable=True),
        sa.Column("sent_at", UTCDateTime, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Index("ix_reminders_due", "status", "scheduled_for"),
        sa.Index("ix_reminders_borrower", "borrower_id"),
    )
    op.create_table(
        "reminder_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reminder_id", sa.Integer, sa.ForeignKey("reminders.id"), nullable=False, index=True),
        sa.Column("decided_at", UTCDateTime, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("scheduled_for", UTCDateTime, nullable=True),
    )


def downgrade() -> None:
    for table in (
        "reminder_decisions",
        "reminders",
        "handoffs",
        "messages",
        "conversations",
        "collectors",
        "installments",
        "payment_plans",
        "hardships",
        "borrowers",
    ):
        op.drop_table(table)
