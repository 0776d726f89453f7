"""Accounts people can trust: verified emails, a token epoch per user, per-tenant sign-up modes, and the sealed
pair a refresh token rotated into (so a retried refresh inside the grace window gets the same pair).

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-03 17:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as tenants:
        tenants.add_column(sa.Column("signup_mode", sa.String(length=16), server_default="open", nullable=False))
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
        users.add_column(sa.Column("token_epoch", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("refresh_tokens") as tokens:
        tokens.add_column(sa.Column("successor", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as tokens:
        tokens.drop_column("successor")
    with op.batch_alter_table("users") as users:
        users.drop_column("token_epoch")
        users.drop_column("email_verified_at")
    with op.batch_alter_table("tenants") as tenants:
        tenants.drop_column("signup_mode")
