"""Billing inbox retries: each pending event keeps its failed attempts and when it is due again, so the retry pass
takes the events that are due, longest due first, and rows that keep failing (put later each time) hold back none.
Rows already pending are due at once (as soon as they were received).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-14 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("billing_inbox") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE billing_inbox SET next_attempt_at = received_at WHERE status = 'pending'")
    op.create_index(
        op.f("ix_billing_inbox_status_next_attempt_at"), "billing_inbox", ["status", "next_attempt_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_billing_inbox_status_next_attempt_at"), table_name="billing_inbox")
    with op.batch_alter_table("billing_inbox") as batch:
        batch.drop_column("next_attempt_at")
        batch.drop_column("attempts")
