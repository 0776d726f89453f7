"""Tenants, their users and how those sign in: identities, refresh tokens, API keys, provider keys."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, LargeBinary, String, Table, Text, UniqueConstraint

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime
from promptsaas.adapters.persistence.sqlalchemy.tables.schema import metadata, tenant_key

tenants = Table(
    "tenants",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("slug", String(63), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("default_plan_code", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("signup_mode", String(16), nullable=False, server_default="open"),
    Column("default_agent", String(63)),
)


users = Table(
    "users",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("email", String(254)),
    Column("display_name", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("password_hash", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("email_verified_at", UtcDateTime),
    Column("token_epoch", Integer, nullable=False, server_default="0"),
    tenant_key("id"),
    UniqueConstraint("tenant_id", "email"),
)


identities = Table(
    "identities",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("provider", String(16), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    tenant_key("provider", "subject"),
    Index(None, "tenant_id", "user_id"),
)


refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("family_id", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
    Column("successor", LargeBinary),
    tenant_key("id"),
    UniqueConstraint("tenant_id", "token_hash"),
    Index(None, "tenant_id", "family_id"),
)


api_keys = Table(
    "api_keys",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("prefix", String(32), nullable=False),
    Column("key_hash", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
    tenant_key("id"),
    UniqueConstraint("key_hash"),
    Index(None, "tenant_id", "user_id"),
)


provider_keys = Table(
    "provider_keys",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("last4", String(4), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("invalid_at", UtcDateTime),
    tenant_key("user_id", "provider"),
)
