"""The quota ledger's counters and open reservations."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Table

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime
from promptsaas.adapters.persistence.sqlalchemy.tables.schema import Json, metadata, tenant_key

quota_counters = Table(
    "quota_counters",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("subscription_id", String(128), nullable=False),
    Column("metric", String(16), nullable=False),
    Column("window", String(16), nullable=False),
    Column("window_start", UtcDateTime, nullable=False),
    Column("used", BigInteger, nullable=False),
    Column("reserved", BigInteger, nullable=False),
    tenant_key("subscription_id", "metric", "window", "window_start"),
)


reservations = Table(
    "reservations",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("items", Json, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    tenant_key("id"),
    Index(None, "expires_at"),
)
