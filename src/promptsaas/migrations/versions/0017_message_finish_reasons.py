"""A reply keeps how the model ended it, so a conversation read again (the web chat after a reload, the API's
messages) still says which replies were cut short. Replies stored before it, and the user's messages, have none (NULL).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("finish_reason", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("finish_reason")
