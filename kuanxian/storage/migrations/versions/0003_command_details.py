"""What the actions send with their commands, and notes on admin changes.

Adds to borrowers the reason reminders are paused, the dispute's summary (the
Borrower's words) and when it was opened; to reminders the note of a Reminder
the assistant asked for; to the account-change audit a note (why an admin
cleared a flag). All columns are nullable: existing rows keep every value.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from kuanxian.storage.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("borrowers") as batch:
        batch.add_column(sa.Column("hardship_pause_reason", sa.String(32), nullable=True))
        batch.add_column(sa.Column("dispute_summary", sa.Text, nullable=True))
        batch.add_column(sa.Column("dispute_opened_at", UTCDateTime, nullable=True))
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("note", sa.String(500), nullable=True))
    with op.batch_alter_table("account_changes") as batch:
        batch.add_column(sa.Column("note", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account_changes") as batch:
        batch.drop_column("note")
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("note")
    with op.batch_alter_table("borrowers") as batch:
        batch.drop_column("dispute_opened_at")
        batch.drop_column("dispute_summary")
        batch.drop_column("hardship_pause_reason")
