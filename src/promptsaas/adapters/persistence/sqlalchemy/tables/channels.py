"""The messenger channels: chat state, link codes, channel secrets and the updates received (their inbox)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, LargeBinary, String, Table, Text

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime
from promptsaas.adapters.persistence.sqlalchemy.tables.schema import Json, metadata, tenant_key

chat_states = Table(
    "chat_states",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("subject", String(128), nullable=False),
    Column("agent", String(64)),
    Column("conversation_id", String(64)),
    Column("variables", Json, nullable=False),
    tenant_key("channel", "subject"),
)


link_codes = Table(
    "link_codes",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("provider", String(16)),
    Column("subject", String(128)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
    tenant_key("code_hash"),
)


channel_secrets = Table(
    "channel_secrets",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("name", String(32), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    tenant_key("channel", "name"),
)


messenger_updates = Table(
    "messenger_updates",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("provider", String(16), nullable=False),
    Column("external_id", String(128), nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("processed_at", UtcDateTime),
    Column("claimed_until", UtcDateTime),
    Column("attempts", Integer, nullable=False, server_default="0"),
    tenant_key("provider", "external_id"),
)
