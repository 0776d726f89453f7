"""Billing: plan kinds (packs), grace and expiry days, subscription grace and provider sync time, the webhook inbox,
the payments ledger, provider customers and tenants' payment provider keys.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), server_default="subscription", nullable=False))
        batch.add_column(sa.Column("grace_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("expires_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("grace_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("provider_synced_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        op.f("ix_subscriptions_tenant_id_provider_provider_ref"),
        "subscriptions",
        ["tenant_id", "provider", "provider_ref"],
        unique=False,
    )
    op.create_table(
        "billing_inbox",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "provider", "event_id", name=op.f("pk_billing_inbox")),
    )
    op.create_index(op.f("ix_billing_inbox_status"), "billing_inbox", ["status"], unique=False)
    op.create_table(
        "payments",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("plan_code", sa.String(length=64), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_payments")),
        sa.UniqueConstraint(
            "tenant_id", "provider", "external_id", name=op.f("uq_payments_tenant_id_provider_external_id")
        ),
    )
    op.create_index(op.f("ix_payments_tenant_id_created_at"), "payments", ["tenant_id", "created_at"], unique=False)
    op.create_table(
        "billing_customers",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "provider", "user_id", name=op.f("pk_billing_customers")),
        sa.UniqueConstraint(
            "tenant_id", "provider", "customer_id", name=op.f("uq_billing_customers_tenant_id_provider_customer_id")
        ),
    )
    op.create_table(
        "payment_provider_keys",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("secret_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("webhook_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "provider", name=op.f("pk_payment_provider_keys")),
    )


def downgrade() -> None:
    op.drop_table("payment_provider_keys")
    op.drop_table("billing_customers")
    op.drop_index(op.f("ix_payments_tenant_id_created_at"), table_name="payments")
    op.drop_table("payments")
    op.drop_index(op.f("ix_billing_inbox_status"), table_name="billing_inbox")
    op.drop_table("billing_inbox")
    op.drop_index(op.f("ix_subscriptions_tenant_id_provider_provider_ref"), table_name="subscriptions")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("provider_synced_at")
        batch.drop_column("grace_until")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("expires_days")
        batch.drop_column("grace_days")
        batch.drop_column("kind")
