"""In-memory refresh tokens and API keys.

`mark_used` checks and writes without awaiting in between, so on one event loop it is an atomic compare-and-set.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from promptsaas.adapters.persistence.memory.keyset import window
from promptsaas.adapters.persistence.memory.repositories import _Repo
from promptsaas.application.ports import accounts as ports
from promptsaas.domain.credentials import ApiKey, RefreshToken


class MemoryRefreshTokens(_Repo, ports.RefreshTokenRepository):
    async def add(self, token: RefreshToken) -> None:
        self._table.put(self._journal, (token.tenant_id, token.id), token)

    async def get_by_hash(self, tenant_id: str, token_hash: str) -> RefreshToken | None:
        return next((t for t in self._of(tenant_id) if t.token_hash == token_hash), None)

    async def mark_used(self, tenant_id: str, token_id: str, at: datetime, successor: bytes | None = None) -> bool:
        stored: RefreshToken | None = self._table.rows.get((tenant_id, token_id))
        if stored is None or stored.was_spent:
            return False
        self._table.put(self._journal, (tenant_id, token_id), replace(stored, used_at=at, successor=successor))
        return True

    async def revoke_family(self, tenant_id: str, family_id: str, at: datetime) -> int:
        family = [t for t in self._of(tenant_id) if t.family_id == family_id and t.revoked_at is None]
        for token in family:
            self._table.put(self._journal, (tenant_id, token.id), replace(token, revoked_at=at))
        return len(family)

    async def revoke_for_user(self, tenant_id: str, user_id: str, at: datetime) -> int:
        live = [t for t in self._of(tenant_id) if t.user_id == user_id and t.revoked_at is None]
        for token in live:
            self._table.put(self._journal, (tenant_id, token.id), replace(token, revoked_at=at))
        return len(live)


class MemoryApiKeys(_Repo, ports.ApiKeyRepository):
    async def add(self, key: ApiKey) -> None:
        self._table.put(self._journal, (key.tenant_id, key.id), key)

    async def get(self, tenant_id: str, key_id: str) -> ApiKey | None:
        return self._table.get((tenant_id, key_id))  # type: ignore[no-any-return]

    async def list_for_user(
        self, tenant_id: str, user_id: str, after: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[ApiKey]:
        mine = [k for k in self._of(tenant_id) if k.user_id == user_id]
        return window(mine, lambda k: (k.created_at, k.id), after, limit)

    async def revoke(self, tenant_id: str, key_id: str, at: datetime) -> None:
        key = await self.get(tenant_id, key_id)
        if key is not None and key.revoked_at is None:
            await self.add(replace(key, revoked_at=at))

    async def touch(self, tenant_id: str, key_id: str, at: datetime) -> None:
        key = await self.get(tenant_id, key_id)
        if key is not None:
            await self.add(replace(key, last_used_at=at))

    async def find_by_hash(self, key_hash: str) -> ApiKey | None:
        return next((k for k in self._table.values() if k.key_hash == key_hash), None)
