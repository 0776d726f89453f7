"""The schema as SQLAlchemy Core tables: the single source the migrations are checked against.

Every tenant-owned table carries `tenant_id` first in its key, so each read is a tenant-scoped index lookup.
Enumerations are stored as their string values; JSON holds value objects (limits, variables, message parts).
"""

from __future__ import annotations

from promptsaas.adapters.persistence.sqlalchemy.tables.accounts import (
    api_keys,
    identities,
    provider_keys,
    refresh_tokens,
    tenants,
    users,
)
from promptsaas.adapters.persistence.sqlalchemy.tables.activity import (
    audit_entries,
    conversations,
    denials,
    messages,
    usage_records,
)
from promptsaas.adapters.persistence.sqlalchemy.tables.billing import (
    billing_customers,
    billing_inbox,
    payment_provider_keys,
    payments,
)
from promptsaas.adapters.persistence.sqlalchemy.tables.catalog import (
    agents,
    plans,
    prompt_versions,
    subscriptions,
    tenant_models,
)
from promptsaas.adapters.persistence.sqlalchemy.tables.channels import (
    channel_secrets,
    chat_states,
    link_codes,
    messenger_updates,
)
from promptsaas.adapters.persistence.sqlalchemy.tables.guards import idempotency_keys, rate_limit_windows
from promptsaas.adapters.persistence.sqlalchemy.tables.ledger import quota_counters, reservations
from promptsaas.adapters.persistence.sqlalchemy.tables.outbox import messenger_outbox
from promptsaas.adapters.persistence.sqlalchemy.tables.schema import metadata
from promptsaas.adapters.persistence.sqlalchemy.tables.whatsapp import (
    whatsapp_inbox,
    whatsapp_outbound,
)

__all__ = [
    "agents",
    "api_keys",
    "audit_entries",
    "billing_customers",
    "billing_inbox",
    "channel_secrets",
    "chat_states",
    "conversations",
    "denials",
    "idempotency_keys",
    "identities",
    "link_codes",
    "messages",
    "messenger_outbox",
    "messenger_updates",
    "metadata",
    "payment_provider_keys",
    "payments",
    "plans",
    "prompt_versions",
    "provider_keys",
    "quota_counters",
    "rate_limit_windows",
    "refresh_tokens",
    "reservations",
    "subscriptions",
    "tenant_models",
    "tenants",
    "usage_records",
    "users",
    "whatsapp_inbox",
    "whatsapp_outbound",
]
