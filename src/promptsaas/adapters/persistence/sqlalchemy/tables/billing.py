"""Billing: the webhook inbox, the append-only payments ledger, provider customers and tenants' provider keys."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, LargeBinary, String, Table, Text, UniqueConstraint

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime
from promptsaas.adapters.persistence.sqlalchemy.tables.schema import metadata, tenant_key

billing_inbox = Table(
    "billing_inbox",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("event_id", String(255), nullable=False),
    Column("type", String(64), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("status", String(16), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("applied_at", UtcDateTime),
    Column("note", Text),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime),
    tenant_key("provider", "event_id"),
    Index(None, "status"),
    Index(None, "status", "next_attempt_at"),
)


payments = Table(
    "payments",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("external_id", String(255), nullable=False),
    Column("user_id", String(64)),
    Column("plan_code", String(64)),
    Column("amount", Integer, nullable=False),
    Column("currency", String(8), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("reference", String(255)),
    Column("created_at", UtcDateTime, nullable=False),
    tenant_key("id"),
    UniqueConstraint("tenant_id", "provider", "external_id"),
    Index(None, "tenant_id", "created_at"),
)


billing_customers = Table(
    "billing_customers",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("customer_id", String(255), nullable=False),
    tenant_key("provider", "user_id"),
    UniqueConstraint("tenant_id", "provider", "customer_id"),
)


payment_provider_keys = Table(
    "payment_provider_keys",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("secret_ciphertext", LargeBinary, nullable=False),
    Column("webhook_ciphertext", LargeBinary),
    Column("updated_at", UtcDateTime, nullable=False),
    tenant_key("provider"),
)
