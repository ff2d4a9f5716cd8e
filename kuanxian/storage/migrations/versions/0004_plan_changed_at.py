"""Plans upgraded from before 0002 get a change time, so reconciliation by `since` finds them.

0002 added `payment_plans.status_changed_at` without a value for existing plans;
GET /api/admin/plans?since= never returned them. Their change time is taken to be
their creation time. Nothing else changes.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    plans = sa.table("payment_plans", sa.column("status_changed_at"), sa.column("created_at"))
    op.execute(plans.update().where(plans.c.status_changed_at.is_(None)).values(status_changed_at=plans.c.created_at))


def downgrade() -> None:
    """Nothing to undo: the filled-in times are true enough to keep."""
