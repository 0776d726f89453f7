"""Messenger delivery: an update is claimed for a while before it is applied (so a crash mid-way leaves it to be
replayed, and two processes never both apply it), with its number of attempts; the tenant's default agent (the
catalog's `default_agent`, answering a chat until the person chooses one).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messenger_updates") as batch:
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("default_agent", sa.String(length=63), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("default_agent")
    with op.batch_alter_table("messenger_updates") as batch:
        batch.drop_column("attempts")
        batch.drop_column("claimed_until")
