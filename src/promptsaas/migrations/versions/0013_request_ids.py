"""Audit entries carry the id of the request that wrote them (as usage records already do), and a request's usage
records can be found by that id (an index), so an operator goes from a log line to what the request wrote.

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
    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("request_id", sa.String(length=255), server_default="", nullable=False))
    op.create_index(
        op.f("ix_usage_records_tenant_id_request_id"), "usage_records", ["tenant_id", "request_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_usage_records_tenant_id_request_id"), table_name="usage_records")
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_column("request_id")
