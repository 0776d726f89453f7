"""What a tenant sells: agents and their prompt versions, plans, subscriptions, model overrides."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text, UniqueConstraint, false, text

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime
from promptsaas.adapters.persistence.sqlalchemy.tables.schema import Json, metadata, tenant_key

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
    Column("accepts_client_system", Boolean, nullable=False, server_default=false()),
    tenant_key("id"),
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
    tenant_key("id"),
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
    Column("kind", String(16), nullable=False, server_default="subscription"),
    Column("grace_days", Integer),
    Column("expires_days", Integer),
    tenant_key("id"),
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
    Column("grace_until", UtcDateTime),
    Column("provider_synced_at", UtcDateTime),
    Column("billing_interval", String(8)),
    tenant_key("id"),
    Index(None, "tenant_id", "user_id"),
    Index(None, "tenant_id", "provider", "provider_ref", unique=True),
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
    tenant_key("model_id"),
)
