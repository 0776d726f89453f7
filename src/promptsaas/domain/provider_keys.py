"""Users' own keys for LLM providers (BYOK): stored encrypted, shown only by their last four characters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from promptsaas.domain.errors import InvalidInput

MIN_KEY_CHARS = 8
MAX_KEY_CHARS = 512
VISIBLE_CHARS = 4
_KEY_SHAPE = re.compile(rf"^[\x21-\x7e]{{{MIN_KEY_CHARS},{MAX_KEY_CHARS}}}$")


def check_api_key(api_key: str) -> str:
    """A provider key as providers issue them: printable ASCII without spaces; the message never echoes it."""
    api_key = api_key.strip()
    if not _KEY_SHAPE.match(api_key):
        raise InvalidInput(
            f"an API key must be {MIN_KEY_CHARS} to {MAX_KEY_CHARS} printable characters without spaces",
            field="api_key",
        )
    return api_key


def binding(tenant_id: str, user_id: str, provider: str) -> str:
    """The associated data a key is encrypted with: its ciphertext decrypts only in its own row."""
    return f"{tenant_id}|{user_id}|{provider}"


@dataclass(frozen=True, slots=True)
class ProviderKey:
    """One user's key for one provider. `key_id` names the encryption key that sealed `ciphertext`."""

    tenant_id: str
    user_id: str
    provider: str
    ciphertext: bytes = field(repr=False)
    key_id: str
    last4: str
    created_at: datetime
    invalid_at: datetime | None = None
    """When the provider rejected the key; a flagged key funds nothing until the user replaces it."""

    @property
    def is_valid(self) -> bool:
        return self.invalid_at is None

    @property
    def associated_data(self) -> str:
        return binding(self.tenant_id, self.user_id, self.provider)
