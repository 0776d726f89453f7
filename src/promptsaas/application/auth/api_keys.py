"""API keys for public API clients: shown once, stored as a hash, named, revocable, acting on the `api` channel."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.lookups import user_by_id
from promptsaas.application.paging import Page, PageRequest, page_of, time_key
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.read_cache import ReadCache
from promptsaas.domain.credentials import (
    API_KEY_PREFIX,
    API_KEY_VISIBLE,
    SECRET_BYTES,
    ApiKey,
    api_key_from,
    hash_secret,
    is_api_key,
)
from promptsaas.domain.errors import InvalidInput, InvalidToken, NotFound
from promptsaas.domain.users import User

MAX_NAME = 100
MAX_REMEMBERED = 100_000
LAST_USED_PRECISION = timedelta(minutes=1)
"""`last_used_at` is written at most once a minute per key, so a busy key does not write on every request."""


def check_key_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise InvalidInput(f"an API key name must be 1 to {MAX_NAME} characters", field="name")
    return name


class ApiKeyService:
    """Keys and the users they act for are read through the read cache (`cache`), under the key's tenant: revoking
    a key, or disabling its user, is audited, which drops the tenant's entries at once in this process (other
    processes see it within the cache's ttl)."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, audit: AuditTrail, cache: ReadCache | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._audit = audit
        self._cache = cache or ReadCache(ttl_seconds=0)
        self._tenant_of: dict[str, str] = {}
        """Key hash -> tenant id: a key never moves between tenants, so this needs no invalidation."""
        self._used_at: dict[str, datetime] = {}
        """When this process last wrote a key's `last_used_at`, so a cached key does not write on every request."""

    async def create_api_key(self, tenant_id: str, user_id: str, name: str) -> tuple[ApiKey, str]:
        """The stored key and its plaintext, which is never available again."""
        name = check_key_name(name)
        plaintext = api_key_from(secrets.token_bytes(SECRET_BYTES))
        prefix = plaintext[len(API_KEY_PREFIX) :][:API_KEY_VISIBLE]
        async with self._uow() as uow:
            user = await user_by_id(uow, tenant_id, user_id)
            key = ApiKey(
                self._ids.new_id(), tenant_id, user.id, name, prefix, hash_secret(plaintext), self._clock.now()
            )
            await uow.api_keys.add(key)
            await self._audit.record(
                uow, tenant_id, _actor(user), "api_key.create", key.id, after=f"{name} ({prefix}…)"
            )
            await uow.commit()
        return key, plaintext

    async def api_keys(self, tenant_id: str, user_id: str) -> list[ApiKey]:
        async with self._uow() as uow:
            return await uow.api_keys.list_for_user(tenant_id, user_id)

    async def api_keys_page(self, tenant_id: str, user_id: str, page: PageRequest) -> Page[ApiKey]:
        async with self._uow() as uow:
            rows = await uow.api_keys.list_for_user(tenant_id, user_id, after=page.after_time(), limit=page.probe)
        return page_of(rows, page, lambda k: time_key(k.created_at, k.id))

    async def revoke_api_key(self, tenant_id: str, user_id: str, key_id: str) -> None:
        """Revoke one of the user's keys (again is a no-op); another user's key is `NotFound`, as if absent."""
        async with self._uow() as uow:
            key = await uow.api_keys.get(tenant_id, key_id)
            if key is None or key.user_id != user_id:
                raise NotFound("api_key", key_id)
            if not key.is_active:
                return
            user = await user_by_id(uow, tenant_id, user_id)
            await uow.api_keys.revoke(tenant_id, key_id, self._clock.now())
            await self._audit.record(uow, tenant_id, _actor(user), "api_key.revoke", key.id, before=key.name)
            await uow.commit()

    async def authenticate_api_key(self, key: str) -> User:
        """The active user an API key acts for; `InvalidToken` for a malformed, unknown or revoked key."""
        if not is_api_key(key):
            raise InvalidToken("not an API key")
        digest = hash_secret(key)
        tenant_id = self._tenant_of.get(digest)
        if tenant_id is None:
            stored, user = await self._key_and_user(digest)
            if stored is not None:
                if len(self._tenant_of) >= MAX_REMEMBERED:
                    self._tenant_of.clear()
                self._tenant_of[digest] = stored.tenant_id
        else:
            stored, user = await self._cache.get(tenant_id, ("api_key", digest), lambda: self._key_and_user(digest))
        if stored is None or not stored.is_active:
            raise InvalidToken("unknown or revoked API key")
        if user is None or not user.is_active:
            raise InvalidToken("the account is disabled")
        await self._note_use(stored)
        return user

    async def _key_and_user(self, digest: str) -> tuple[ApiKey | None, User | None]:
        async with self._uow() as uow:
            stored = await uow.api_keys.find_by_hash(digest)
            user = await uow.users.get(stored.tenant_id, stored.user_id) if stored else None
        return stored, user

    async def _note_use(self, stored: ApiKey) -> None:
        """Write `last_used_at` when it is older than `LAST_USED_PRECISION`."""
        now = self._clock.now()
        seen = [at for at in (stored.last_used_at, self._used_at.get(stored.id)) if at is not None]
        if seen and now - max(seen) < LAST_USED_PRECISION:
            return
        if len(self._used_at) >= MAX_REMEMBERED:
            self._used_at.clear()
        self._used_at[stored.id] = now
        async with self._uow() as uow:
            await uow.api_keys.touch(stored.tenant_id, stored.id, now)
            await uow.commit()


def _actor(user: User) -> str:
    return user.email or user.id
