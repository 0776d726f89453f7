"""In-memory provider keys (BYOK). Compare-and-set writes check and write without awaiting in between."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from promptsaas.adapters.persistence.memory.repositories import _Repo
from promptsaas.application.ports import accounts as ports
from promptsaas.domain.provider_keys import ProviderKey


class MemoryProviderKeys(_Repo, ports.ProviderKeyRepository):
    async def get(self, tenant_id: str, user_id: str, provider: str) -> ProviderKey | None:
        return self._table.get((tenant_id, user_id, provider))  # type: ignore[no-any-return]

    async def list_for_user(self, tenant_id: str, user_id: str) -> list[ProviderKey]:
        return sorted((k for k in self._of(tenant_id) if k.user_id == user_id), key=lambda k: k.provider)

    async def put(self, key: ProviderKey) -> None:
        self._table.put(self._journal, _key_of(key), key)

    async def delete(self, tenant_id: str, user_id: str, provider: str) -> bool:
        found = (tenant_id, user_id, provider) in self._table.rows
        self._table.delete(self._journal, (tenant_id, user_id, provider))
        return found

    async def mark_invalid(self, key: ProviderKey, at: datetime) -> bool:
        return self._swap(key, lambda stored: replace(stored, invalid_at=at))

    async def reencrypt(self, key: ProviderKey, key_id: str, ciphertext: bytes) -> bool:
        return self._swap(key, lambda stored: replace(stored, key_id=key_id, ciphertext=ciphertext))

    async def list_all(self, tenant_id: str | None = None) -> list[ProviderKey]:
        keys = self._table.values() if tenant_id is None else self._of(tenant_id)
        return sorted(keys, key=_key_of)

    def _swap(self, seen: ProviderKey, change: Callable[[ProviderKey], ProviderKey]) -> bool:
        stored: ProviderKey | None = self._table.rows.get(_key_of(seen))
        if stored is None or stored.ciphertext != seen.ciphertext:
            return False
        self._table.put(self._journal, _key_of(seen), change(stored))
        return True


def _key_of(key: ProviderKey) -> tuple[str, str, str]:
    return key.tenant_id, key.user_id, key.provider
