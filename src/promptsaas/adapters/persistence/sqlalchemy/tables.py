"""The schema as SQLAlchemy Core tables: the single source the migrations are checked against.

Every tenant-owned table carries `tenant_id` first in its key, so each read is a tenant-scoped index lookup.
Enumerations are stored as their string values; JSON holds value objects (limits, variables, message parts).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime, row_id

metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    }
)

Json = JSON(none_as_null=True)


def _tenant_key(*columns: str) -> PrimaryKeyConstraint:
    return PrimaryKeyConstraint("tenant_id", *columns)


tenants = Table(
    "tenants",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("slug", String(63), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("default_plan_code", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
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
    _tenant_key("id"),
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
    _tenant_key("provider", "subject"),
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
    _tenant_key("id"),
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
    _tenant_key("id"),
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
    _tenant_key("user_id", "provider"),
)

agents = Table(
    "agents",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("slug", String(63), nullable=False),
    Column("name", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("history_turns", Integer, nullable=False),
    Column("styles", Json, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    _tenant_key("id"),
    UniqueConstraint("tenant_id", "slug"),
)

prompt_versions = Table(
    "prompt_versions",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("agent_id", String(64), nullable=False),
    Column("number", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("system", Text, nullable=False),
    Column("user_template", Text),
    Column("model", String(255), nullable=False),
    Column("variables", Json, nullable=False),
    Column("params", Json, nullable=False),
    Column("author", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("activated_from", Integer),
    Column("created_at", UtcDateTime, nullable=False),
    _tenant_key("id"),
    UniqueConstraint("tenant_id", "agent_id", "number"),
    Index(
        "uq_prompt_versions_one_active",
        "tenant_id",
        "agent_id",
        unique=True,
        sqlite_where=text("status = 'active'"),
        postgresql_where=text("status = 'active'"),
    ),
)

plans = Table(
    "plans",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("code", String(64), nullable=False),
    Column("name", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("public", Boolean, nullable=False),
    Column("agents", Json),
    Column("channels", Json),
    Column("limits", Json, nullable=False),
    Column("price", Json),
    Column("byok", Boolean, nullable=False),
    Column("retention_days", Integer),
    Column("trial_days", Integer, nullable=False),
    Column("priority", Integer, nullable=False),
    _tenant_key("id"),
    UniqueConstraint("tenant_id", "code"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(128), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("plan_code", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("current_period_start", UtcDateTime, nullable=False),
    Column("current_period_end", UtcDateTime),
    Column("cancel_at_period_end", Boolean, nullable=False),
    Column("provider", String(32), nullable=False),
    Column("provider_ref", String(255)),
    _tenant_key("id"),
    Index(None, "tenant_id", "user_id"),
)

tenant_models = Table(
    "tenant_models",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("model_id", String(255), nullable=False),
    Column("input_usd_per_mtok", String(40), nullable=False),
    Column("output_usd_per_mtok", String(40), nullable=False),
    Column("context_window", Integer, nullable=False),
    Column("vision", Boolean, nullable=False),
    _tenant_key("model_id"),
)

conversations = Table(
    "conversations",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("agent_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    _tenant_key("id"),
    Index(None, "tenant_id", "user_id", "updated_at"),
)

messages = Table(
    "messages",
    metadata,
    Column("seq", row_id(), primary_key=True, autoincrement=True),
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("conversation_id", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("parts", Json, nullable=False),
    Column("input_tokens", Integer, nullable=False),
    Column("output_tokens", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("tenant_id", "id"),
    Index(None, "tenant_id", "conversation_id", "seq"),
)

usage_records = Table(
    "usage_records",
    metadata,
    Column("seq", row_id(), primary_key=True, autoincrement=True),
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("agent_id", String(64), nullable=False),
    Column("agent_slug", String(63), nullable=False),
    Column("prompt_version", Integer, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("model", String(255), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("input_tokens", Integer, nullable=False),
    Column("output_tokens", Integer, nullable=False),
    Column("cost_micros", BigInteger, nullable=False),
    Column("funding", String(16), nullable=False),
    Column("subscription_id", String(128)),
    Column("plan_code", String(64)),
    Column("outcome", String(16), nullable=False),
    Column("error_code", String(64)),
    Column("latency_ms", Integer, nullable=False),
    Column("request_id", String(255), nullable=False),
    Column("charged_requests", Integer, nullable=False),
    Column("charged_tokens", BigInteger, nullable=False),
    Column("charges", Json),
    UniqueConstraint("tenant_id", "id"),
    Index(None, "tenant_id", "created_at"),
)

audit_entries = Table(
    "audit_entries",
    metadata,
    Column("seq", row_id(), primary_key=True, autoincrement=True),
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", Text, nullable=False),
    Column("before", Text, nullable=False),
    Column("after", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("tenant_id", "id"),
    Index(None, "tenant_id", "seq"),
)

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
    _tenant_key("subscription_id", "metric", "window", "window_start"),
)

reservations = Table(
    "reservations",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("items", Json, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    _tenant_key("id"),
    Index(None, "expires_at"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("scope_hash", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("response", Json),
    Column("expires_at", UtcDateTime, nullable=False),
    _tenant_key("scope_hash"),
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
