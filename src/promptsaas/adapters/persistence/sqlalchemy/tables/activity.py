"""What calls leave behind: conversations and their messages, usage records, denials, audit entries."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text, UniqueConstraint

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime, row_id
from promptsaas.adapters.persistence.sqlalchemy.tables.schema import Json, metadata, tenant_key

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
    tenant_key("id"),
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
    Column("finish_reason", String(16)),
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
    Column("finish_reason", String(16)),
    UniqueConstraint("tenant_id", "id"),
    Index(None, "tenant_id", "created_at"),
    Index(None, "tenant_id", "request_id"),
)


denials = Table(
    "denials",
    metadata,
    Column("seq", row_id(), primary_key=True, autoincrement=True),
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("agent_slug", String(63), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("code", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
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
    Column("request_id", String(255), nullable=False, server_default=""),
    UniqueConstraint("tenant_id", "id"),
    Index(None, "tenant_id", "seq"),
)
