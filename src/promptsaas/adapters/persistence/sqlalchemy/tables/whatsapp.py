"""The WhatsApp channel: a tenant's sealed number settings, the inbox of inbound messages, the outbound messages."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, LargeBinary, String, Table, Text

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime
from promptsaas.adapters.persistence.sqlalchemy.tables.schema import Json, metadata, tenant_key

whatsapp_accounts = Table(
    "whatsapp_accounts",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("phone_number_id", String(64), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("access_token", LargeBinary, nullable=False),
    Column("app_secret", LargeBinary, nullable=False),
    Column("verify_token", LargeBinary, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

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

whatsapp_people = Table(
    "whatsapp_people",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("person", String(255), nullable=False),
    Column("agent", String(64)),
    Column("conversation_id", String(64)),
    Column("updated_at", UtcDateTime, nullable=False),
    tenant_key("person"),
)
"""Each person's chosen agent and current conversation."""
