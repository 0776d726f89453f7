"""The WhatsApp channel: the inbox of inbound messages (with the answer worked out for each) and the outbound
messages with their delivery statuses.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 17:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_inbox",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("message", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("answer", sa.JSON(none_as_null=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "message_id", name=op.f("pk_whatsapp_inbox")),
    )
    op.create_index(
        op.f("ix_whatsapp_inbox_state_lease_until"), "whatsapp_inbox", ["state", "lease_until"], unique=False
    )
    op.create_table(
        "whatsapp_outbound",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("inbound_id", sa.String(length=255), nullable=True),
        sa.Column("recipient", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("state_rank", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_whatsapp_outbound")),
    )
    op.create_index(
        op.f("ix_whatsapp_outbound_tenant_id_updated_at"),
        "whatsapp_outbound",
        ["tenant_id", "updated_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_whatsapp_outbound_tenant_id_updated_at"), table_name="whatsapp_outbound")
    op.drop_table("whatsapp_outbound")
    op.drop_index(op.f("ix_whatsapp_inbox_state_lease_until"), table_name="whatsapp_inbox")
    op.drop_table("whatsapp_inbox")
