"""Usage records keep how the model ended each reply (`stop`, `length`, `content_filter`), so a report tells the
replies cut short from the whole ones. Records written before it, and calls that ended no reply, have none (NULL).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-15 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("usage_records") as batch:
        batch.add_column(sa.Column("finish_reason", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("usage_records") as batch:
        batch.drop_column("finish_reason")
