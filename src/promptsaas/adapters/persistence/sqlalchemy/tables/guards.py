"""What guards requests across processes: idempotency keys and rate-limit windows."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime
from promptsaas.adapters.persistence.sqlalchemy.tables.schema import Json, metadata, tenant_key

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("scope_hash", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("response", Json),
    Column("expires_at", UtcDateTime, nullable=False),
    tenant_key("scope_hash"),
    Index(None, "expires_at"),
)
"""One row per `Idempotency-Key` in use: a running request's claim, then its answer, until `expires_at`."""


rate_limit_windows = Table(
    "rate_limit_windows",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("hits", Integer, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Index(None, "ends_at"),
)
"""Login and register attempts per client IP or email (hashed), platform-wide like `tenants`: one window each."""
