"""SQL provider keys (BYOK). `put` is one upsert; flagging and re-encrypting are conditional UPDATEs on the
ciphertext the caller saw, so a key replaced meanwhile is left alone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Update, delete, select, update

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.mapping import provider_keys as m
from promptsaas.adapters.persistence.sqlalchemy.repositories import SqlRepository, keyed
from promptsaas.adapters.persistence.sqlalchemy.statements import dialect_module
from promptsaas.application.ports import accounts as ports
from promptsaas.domain.provider_keys import ProviderKey

_k = t.provider_keys
_KEY = select(_k).where(*keyed(_k, "user_id", "provider"))
_KEYS_OF = select(_k).where(*keyed(_k, "user_id")).order_by(_k.c.provider)
_DELETE = delete(_k).where(*keyed(_k, "user_id", "provider"))
_ALL = select(_k).order_by(_k.c.tenant_id, _k.c.user_id, _k.c.provider)
_REPLACED = ("ciphertext", "key_id", "last4", "created_at", "invalid_at")


class SqlProviderKeys(SqlRepository, ports.ProviderKeyRepository):
    async def get(self, tenant_id: str, user_id: str, provider: str) -> ProviderKey | None:
        row = await self._db.row(_KEY, {"tenant_id": tenant_id, "user_id": user_id, "provider": provider})
        return m.provider_key_of(row) if row else None

    async def list_for_user(self, tenant_id: str, user_id: str) -> list[ProviderKey]:
        rows = await self._db.rows(_KEYS_OF, {"tenant_id": tenant_id, "user_id": user_id})
        return [m.provider_key_of(r) for r in rows]

    async def put(self, key: ProviderKey) -> None:
        dialect = dialect_module(self._db.dialect)
        upsert = dialect.insert(_k).values(m.provider_key_row(key))
        statement = upsert.on_conflict_do_update(
            index_elements=[_k.c.tenant_id, _k.c.user_id, _k.c.provider],
            set_={name: upsert.excluded[name] for name in _REPLACED},
        )
        await self._db.write(statement)

    async def delete(self, tenant_id: str, user_id: str, provider: str) -> bool:
        return await self._db.write(_DELETE, {"tenant_id": tenant_id, "user_id": user_id, "provider": provider}) == 1

    async def mark_invalid(self, key: ProviderKey, at: datetime) -> bool:
        return await self._db.write(_unchanged(key).values(invalid_at=at)) == 1

    async def reencrypt(self, key: ProviderKey, key_id: str, ciphertext: bytes) -> bool:
        return await self._db.write(_unchanged(key).values(key_id=key_id, ciphertext=ciphertext)) == 1

    async def list_all(self, tenant_id: str | None = None) -> list[ProviderKey]:
        query = _ALL if tenant_id is None else _ALL.where(_k.c.tenant_id == tenant_id)
        return [m.provider_key_of(r) for r in await self._db.rows(query)]


def _unchanged(key: ProviderKey) -> Update:
    """An UPDATE of the key's row that matches only while it still holds the ciphertext the caller read."""
    where: list[Any] = [
        _k.c.tenant_id == key.tenant_id,
        _k.c.user_id == key.user_id,
        _k.c.provider == key.provider,
        _k.c.ciphertext == key.ciphertext,
    ]
    return update(_k).where(*where)
