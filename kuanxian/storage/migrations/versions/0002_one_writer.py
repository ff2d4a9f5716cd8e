"""One writer, safety reports, payments and the outbox.

Adds who is typing and acknowledgments to conversations, roles to collectors,
handoff details, paid amounts to installments; pending turns, the account-change
audit, guard reports, login failures, blocked texts, promises, payments and the
webhook outbox. Existing rows keep every value; the demo collector is marked demo.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from kuanxian.storage.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payment_plans") as batch:
        batch.add_column(sa.Column("agreed_by", sa.String(64), nullable=False, server_default="assistant"))
        batch.add_column(sa.Column("status_changed_at", UTCDateTime, nullable=True))
    with op.batch_alter_table("installments") as batch:
        batch.add_column(sa.Column("paid_fen", sa.BigInteger, nullable=False, server_default="0"))
    with op.batch_alter_table("collectors") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="collector"))
        batch.add_column(sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("speaker", sa.String(16), nullable=False, server_default="holder"))
        batch.add_column(sa.Column("acknowledged_at", UTCDateTime, nullable=True))
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("details", sa.Text, nullable=False, server_default="{}"))
    op.execute(
        "UPDATE collectors SET demo = true WHERE username = 'demo'"
        if op.get_bind().dialect.name == "postgresql"
        else "UPDATE collectors SET demo = 1 WHERE username = 'demo'"
    )

    op.create_table(
        "turns",
        sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", UTCDateTime, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime, nullable=True),
        sa.Index("ix_turns_status", "status", "created_at"),
    )
    op.create_table(
        "account_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("borrower_id", sa.String(64), sa.ForeignKey("borrowers.id"), nullable=False, index=True),
        sa.Column("conversation_id", sa.String(64), nullable=True),
        sa.Column("command", sa.String(32), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("before", sa.Text, nullable=True),
        sa.Column("after", sa.Text, nullable=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("reverted_at", UTCDateTime, nullable=True),
    )
    op.create_table(
        "guard_reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("reported_by", sa.Integer, sa.ForeignKey("collectors.id"), nullable=False),
        sa.Column("conversation_id", sa.String(64), nullable=True),
        sa.Column("violations", sa.Text, nullable=False, server_default="[]"),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("label", sa.String(16), nullable=True),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("labelled_by", sa.Integer, sa.ForeignKey("collectors.id"), nullable=True),
        sa.Column("labelled_at", UTCDateTime, nullable=True),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(160), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Index("ix_login_failures_key_at", "key", "at"),
    )
    op.create_table(
        "blocked_texts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(64), nullable=True),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Index("ix_blocked_texts_at", "at"),
    )
    op.create_table(
        "promises",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("borrower_id", sa.String(64), sa.ForeignKey("borrowers.id"), nullable=False, index=True),
        sa.Column("conversation_id", sa.String(64), nullable=True),
        sa.Column("promised_for", sa.Date, nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("settled_at", UTCDateTime, nullable=True),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("payment_id", sa.String(128), nullable=False, unique=True),
        sa.Column("borrower_id", sa.String(64), sa.ForeignKey("borrowers.id"), nullable=False, index=True),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
        sa.Column("paid_at", UTCDateTime, nullable=False),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("payment_plans.id"), nullable=True),
        sa.Column("allocations", sa.Text, nullable=False, server_default="[]"),
        sa.Column("received_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("type", sa.String(48), nullable=False),
        sa.Column("borrower_id", sa.String(64), nullable=True),
        sa.Column("occurred_at", UTCDateTime, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", UTCDateTime, nullable=True),
        sa.Column("delivered_at", UTCDateTime, nullable=True),
        sa.Index("ix_outbox_due", "status", "next_attempt_at"),
    )


def downgrade() -> None:
    for table in ("outbox", "payments", "promises", "blocked_texts", "login_failures", "guard_reports", "account_changes", "turns"):
        op.drop_table(table)
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("details")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("acknowledged_at")
        batch.drop_column("speaker")
    with op.batch_alter_table("collectors") as batch:
        batch.drop_column("demo")
        batch.drop_column("role")
    with op.batch_alter_table("installments") as batch:
        batch.drop_column("paid_fen")
    with op.batch_alter_table("payment_plans") as batch:
        batch.drop_column("status_changed_at")
        batch.drop_column("agreed_by")
