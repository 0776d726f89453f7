"""Row <-> entity for users' own provider keys (BYOK)."""

from __future__ import annotations

from typing import Any

from promptsaas.adapters.persistence.sqlalchemy.mapping import Row
from promptsaas.domain.provider_keys import ProviderKey


def provider_key_row(k: ProviderKey) -> dict[str, Any]:
    return {
        "tenant_id": k.tenant_id,
        "user_id": k.user_id,
        "provider": k.provider,
        "ciphertext": k.ciphertext,
        "key_id": k.key_id,
        "last4": k.last4,
        "created_at": k.created_at,
        "invalid_at": k.invalid_at,
    }


def provider_key_of(r: Row) -> ProviderKey:
    return ProviderKey(
        r["tenant_id"],
        r["user_id"],
        r["provider"],
        bytes(r["ciphertext"]),
        r["key_id"],
        r["last4"],
        r["created_at"],
        r["invalid_at"],
    )
