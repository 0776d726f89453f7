"""One subscription per provider reference (a unique index, so concurrent events of one new subscription cannot
create two), and the interval the provider bills it at (MRR counts a yearly one as a twelfth a month).

Duplicates made before the index keep the most recently synced row.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_INDEX = "ix_subscriptions_tenant_id_provider_provider_ref"
_COLUMNS = ["tenant_id", "provider", "provider_ref"]
_NEWER = "COALESCE(o.provider_synced_at, o.current_period_start)"
_THIS = "COALESCE(subscriptions.provider_synced_at, subscriptions.current_period_start)"
_DROP_DUPLICATES = f"""
DELETE FROM subscriptions WHERE provider_ref IS NOT NULL AND EXISTS (
    SELECT 1 FROM subscriptions o
    WHERE o.tenant_id = subscriptions.tenant_id AND o.provider = subscriptions.provider
      AND o.provider_ref = subscriptions.provider_ref
      AND ({_NEWER} > {_THIS} OR ({_NEWER} = {_THIS} AND o.id < subscriptions.id))
)
"""


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("billing_interval", sa.String(length=8), nullable=True))
    op.execute(_DROP_DUPLICATES)
    op.drop_index(_INDEX, table_name="subscriptions")
    op.create_index(_INDEX, "subscriptions", _COLUMNS, unique=True)


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="subscriptions")
    op.create_index(_INDEX, "subscriptions", _COLUMNS, unique=False)
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("billing_interval")
