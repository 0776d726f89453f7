"""Messenger delivery: an update is claimed for a while before it is applied (so a crash mid-way leaves it to be
replayed, and two processes never both apply it), with its number of attempts; the tenant's default agent (the
catalog's `default_agent`, answering a chat until the person chooses one); the outbox of replies a messenger refused
for a while, sent again by the `messenger-retries` job.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messenger_updates") as batch:
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "messenger_outbox",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("answer", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_messenger_outbox")),
    )
    op.create_index(op.f("ix_messenger_outbox_state_due_at"), "messenger_outbox", ["state", "due_at"], unique=False)
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("default_agent", sa.String(length=63), nullable=True))


def downgrade() -> None:
    op.drop_index(op.f("ix_messenger_outbox_state_due_at"), table_name="messenger_outbox")
    op.drop_table("messenger_outbox")
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("default_agent")
    with op.batch_alter_table("messenger_updates") as batch:
        batch.drop_column("attempts")
        batch.drop_column("claimed_until")
