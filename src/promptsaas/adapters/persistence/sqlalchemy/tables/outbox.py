"""The messenger outbox: replies a messenger refused for a while, kept to be sent again by a background job."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime
from promptsaas.adapters.persistence.sqlalchemy.tables.schema import Json, metadata, tenant_key

messenger_outbox = Table(
    "messenger_outbox",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(64), nullable=False),
    Column("provider", String(16), nullable=False),
    Column("chat_id", String(128), nullable=False),
    Column("answer", Json, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Column("error", Text),
    tenant_key("id"),
    Index(None, "state", "due_at"),
)
