"""SQL refresh tokens and API keys. `mark_used` is one conditional UPDATE, so exactly one caller wins it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, select, update

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.keyset import window
from promptsaas.adapters.persistence.sqlalchemy.mapping import accounts as a
from promptsaas.adapters.persistence.sqlalchemy.repositories import SqlRepository, keyed
from promptsaas.application.ports import accounts as ports
from promptsaas.domain.credentials import ApiKey, RefreshToken

_tokens = t.refresh_tokens
_keys = t.api_keys
_TOKEN_BY_HASH = select(_tokens).where(*keyed(_tokens, "token_hash"))
_KEY = select(_keys).where(*keyed(_keys, "id"))
_KEYS_OF = select(_keys).where(*keyed(_keys, "user_id")).order_by(_keys.c.created_at, _keys.c.id)
_KEY_BY_HASH = select(_keys).where(_keys.c.key_hash == bindparam("key_hash"))


class SqlRefreshTokens(SqlRepository, ports.RefreshTokenRepository):
    async def add(self, token: RefreshToken) -> None:
        await self._db.write(insert(_tokens), a.credential_row(token), conflict=("refresh_token", token.id))

    async def get_by_hash(self, tenant_id: str, token_hash: str) -> RefreshToken | None:
        row = await self._db.row(_TOKEN_BY_HASH, {"tenant_id": tenant_id, "token_hash": token_hash})
        return a.refresh_token_of(row) if row else None

    async def mark_used(self, tenant_id: str, token_id: str, at: datetime, successor: bytes | None = None) -> bool:
        statement = (
            update(_tokens)
            .where(
                _tokens.c.tenant_id == tenant_id,
                _tokens.c.id == token_id,
                _tokens.c.used_at.is_(None),
                _tokens.c.revoked_at.is_(None),
            )
            .values(used_at=at, successor=successor)
        )
        return await self._db.write(statement) == 1

    async def revoke_family(self, tenant_id: str, family_id: str, at: datetime) -> int:
        statement = (
            update(_tokens)
            .where(_tokens.c.tenant_id == tenant_id, _tokens.c.family_id == family_id, _tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return await self._db.write(statement)

    async def revoke_for_user(self, tenant_id: str, user_id: str, at: datetime) -> int:
        statement = (
            update(_tokens)
            .where(_tokens.c.tenant_id == tenant_id, _tokens.c.user_id == user_id, _tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return await self._db.write(statement)


class SqlApiKeys(SqlRepository, ports.ApiKeyRepository):
    async def add(self, key: ApiKey) -> None:
        await self._db.write(insert(_keys), a.credential_row(key), conflict=("api_key", key.prefix))

    async def get(self, tenant_id: str, key_id: str) -> ApiKey | None:
        row = await self._db.row(_KEY, {"tenant_id": tenant_id, "id": key_id})
        return a.api_key_of(row) if row else None

    async def list_for_user(
        self, tenant_id: str, user_id: str, after: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[ApiKey]:
        statement = window(_KEYS_OF, (_keys.c.created_at, _keys.c.id), after, limit)
        return [a.api_key_of(r) for r in await self._db.rows(statement, {"tenant_id": tenant_id, "user_id": user_id})]

    async def revoke(self, tenant_id: str, key_id: str, at: datetime) -> None:
        statement = (
            update(_keys)
            .where(_keys.c.tenant_id == tenant_id, _keys.c.id == key_id, _keys.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        await self._db.write(statement)

    async def touch(self, tenant_id: str, key_id: str, at: datetime) -> None:
        statement = update(_keys).where(_keys.c.tenant_id == tenant_id, _keys.c.id == key_id).values(last_used_at=at)
        await self._db.write(statement)

    async def find_by_hash(self, key_hash: str) -> ApiKey | None:
        row = await self._db.row(_KEY_BY_HASH, {"key_hash": key_hash})
        return a.api_key_of(row) if row else None
