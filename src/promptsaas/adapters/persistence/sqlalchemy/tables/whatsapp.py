"""The WhatsApp channel: the inbox of inbound messages and the outbound messages with their delivery statuses."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime
from promptsaas.adapters.persistence.sqlalchemy.tables.schema import Json, metadata, tenant_key

whatsapp_inbox = Table(
    "whatsapp_inbox",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("message_id", String(255), nullable=False),
    Column("message", Json, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("lease_until", UtcDateTime),
    Column("received_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Column("error_code", String(64)),
    Column("error", Text),
    Column("answer", Json),
    tenant_key("message_id"),
    Index(None, "state", "lease_until"),
)
"""One row per inbound `wamid`: the key that makes Meta's redeliveries land once."""

whatsapp_outbound = Table(
    "whatsapp_outbound",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("id", String(255), nullable=False),
    Column("inbound_id", String(255)),
    Column("recipient", String(255), nullable=False),
    Column("state", String(16), nullable=False),
    Column("state_rank", Integer, nullable=False),
    Column("error_code", String(64)),
    Column("updated_at", UtcDateTime, nullable=False),
    tenant_key("id"),
    Index(None, "tenant_id", "updated_at"),
)
"""One row per outbound `wamid`, with its latest delivery status (a status may arrive before the send's answer)."""
