"""The calls the policy refused, one row each (who, which agent, the decision's code, when): the console charts
denials by code per day from them. They charge nothing, so the usage ledger stays as it was.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "denials",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("agent_slug", sa.String(length=63), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_denials")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("uq_denials_tenant_id_id")),
    )
    op.create_index(op.f("ix_denials_tenant_id_created_at"), "denials", ["tenant_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_denials_tenant_id_created_at"), table_name="denials")
    op.drop_table("denials")
