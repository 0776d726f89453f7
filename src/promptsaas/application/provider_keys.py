"""Users' own provider keys (BYOK): stored encrypted, listed by their last four characters, never shown back.

A key funds a call only when the plan's quota is exhausted and the plan allows BYOK (the policy decides); a key its
provider rejects is flagged, so it funds nothing until the user replaces it. A key that no configured encryption key
opens is never flagged: the server's keys changed, not the user's (`ByokKeyUndecryptable`).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.lookups import user_by_id
from promptsaas.application.paging import Page, PageRequest, slice_after
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.llm import LlmProviders
from promptsaas.application.ports.secrets import SecretCipher, SecretUnreadable
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.errors import ByokKeyUndecryptable, InvalidInput, NotFound
from promptsaas.domain.provider_keys import VISIBLE_CHARS, ProviderKey, binding, check_api_key

log = logging.getLogger("promptsaas.byok")
SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class ProviderKeyInfo:
    """What a user may see of a stored key."""

    provider: str
    last4: str
    created_at: datetime
    invalid: bool


@dataclass(frozen=True, slots=True)
class Rotation:
    """What `rotate_all` did: keys moved to the newest encryption key, and keys no configured key opens."""

    key_id: str
    rotated: int
    unreadable: int


def info(key: ProviderKey) -> ProviderKeyInfo:
    return ProviderKeyInfo(key.provider, key.last4, key.created_at, not key.is_valid)


class ProviderKeyService:
    def __init__(
        self, uow: UnitOfWorkFactory, cipher: SecretCipher, providers: LlmProviders, clock: Clock, audit: AuditTrail
    ) -> None:
        self._uow = uow
        self._cipher = cipher
        self._providers = providers
        self._clock = clock
        self._audit = audit

    async def set_provider_key(self, tenant_id: str, user_id: str, provider: str, api_key: str) -> ProviderKeyInfo:
        """Store (or replace) the user's key for a configured provider; a replaced key is valid again."""
        provider = self._provider(provider)
        api_key = check_api_key(api_key)
        key_id, ciphertext = self._cipher.encrypt(api_key, binding(tenant_id, user_id, provider))
        key = ProviderKey(tenant_id, user_id, provider, ciphertext, key_id, api_key[-VISIBLE_CHARS:], self._clock.now())
        async with self._uow() as uow:
            actor = await _actor(uow, tenant_id, user_id)
            previous = await uow.provider_keys.get(tenant_id, user_id, provider)
            await uow.provider_keys.put(key)
            action = "provider_key.replace" if previous else "provider_key.set"
            await self._audit.record(uow, tenant_id, actor, action, f"provider_key:{provider}")
            await uow.commit()
        return info(key)

    async def provider_keys(self, tenant_id: str, user_id: str) -> list[ProviderKeyInfo]:
        async with self._uow() as uow:
            return [info(k) for k in await uow.provider_keys.list_for_user(tenant_id, user_id)]

    async def provider_keys_page(self, tenant_id: str, user_id: str, page: PageRequest) -> Page[ProviderKeyInfo]:
        """One key per configured provider at most, so the list is paged after one read."""
        return slice_after(await self.provider_keys(tenant_id, user_id), page, lambda k: (k.provider,))

    async def delete_provider_key(self, tenant_id: str, user_id: str, provider: str) -> None:
        """Delete the user's key (even for a provider no longer configured); `provider_key_not_found` if none."""
        provider = _normalized(provider)
        async with self._uow() as uow:
            actor = await _actor(uow, tenant_id, user_id)
            if not await uow.provider_keys.delete(tenant_id, user_id, provider):
                raise NotFound("provider_key", provider)
            await self._audit.record(uow, tenant_id, actor, "provider_key.delete", f"provider_key:{provider}")
            await uow.commit()

    async def usable_key(self, tenant_id: str, user_id: str, provider: str) -> ProviderKey | None:
        """The user's unflagged key for one provider: one primary-key read, cheap enough for every call."""
        async with self._uow() as uow:
            key = await uow.provider_keys.get(tenant_id, user_id, provider)
        return key if key is not None and key.is_valid else None

    async def byok_providers(self, tenant_id: str, user_id: str) -> frozenset[str]:
        """The providers the user holds an unflagged key for."""
        async with self._uow() as uow:
            keys = await uow.provider_keys.list_for_user(tenant_id, user_id)
        return frozenset(k.provider for k in keys if k.is_valid)

    def reveal(self, key: ProviderKey) -> str:
        """The plaintext, for the provider call only; `ByokKeyUndecryptable`, the key left as is, when no configured
        encryption key opens it."""
        try:
            return self._open(key)
        except SecretUnreadable as error:
            log.warning("the %s key of user %s does not decrypt: %s", key.provider, key.user_id, error)
            raise ByokKeyUndecryptable(key.provider) from None

    def _open(self, key: ProviderKey) -> str:
        return self._cipher.decrypt(key.key_id, key.ciphertext, key.associated_data)

    async def key_for(self, tenant_id: str, user_id: str, provider: str) -> str:
        key = await self.usable_key(tenant_id, user_id, provider)
        if key is None:
            raise NotFound("provider_key", provider)
        return self.reveal(key)

    async def flag_invalid(self, key: ProviderKey, reason: str) -> None:
        """Flag the key its provider rejected (or an operator did), unless the user replaced it meanwhile."""
        async with self._uow() as uow:
            if await uow.provider_keys.mark_invalid(key, self._clock.now()):
                target = f"provider_key:{key.provider}"
                await self._audit.record(uow, key.tenant_id, SYSTEM, "provider_key.invalid", target, after=reason)
                await uow.commit()

    async def mark_invalid(self, tenant_id: str, user_id: str, provider: str) -> None:
        async with self._uow() as uow:
            key = await uow.provider_keys.get(tenant_id, user_id, provider)
        if key is None:
            raise NotFound("provider_key", provider)
        await self.flag_invalid(key, "flagged by an operator")

    async def rotate_all(self, tenant_id: str | None = None) -> Rotation:
        """Re-encrypt every key not sealed by the newest encryption key; each in its own short transaction."""
        newest = self._cipher.current_key_id()
        rotated: Counter[str] = Counter()
        unreadable = 0
        async with self._uow() as uow:
            keys = [k for k in await uow.provider_keys.list_all(tenant_id) if k.key_id != newest]
        for key in keys:
            try:
                plaintext = self._open(key)
            except SecretUnreadable as error:
                log.warning("cannot rotate the %s key of user %s: %s", key.provider, key.user_id, error)
                unreadable += 1
                continue
            key_id, ciphertext = self._cipher.encrypt(plaintext, key.associated_data)
            async with self._uow() as uow:
                if await uow.provider_keys.reencrypt(key, key_id, ciphertext):
                    rotated[key.tenant_id] += 1
                    await uow.commit()
        await self._audit_rotation(newest, rotated)
        return Rotation(newest, rotated.total(), unreadable)

    async def _audit_rotation(self, key_id: str, rotated: Counter[str]) -> None:
        for tenant_id, count in sorted(rotated.items()):
            async with self._uow() as uow:
                target = f"encryption_key:{key_id}"
                await self._audit.record(uow, tenant_id, SYSTEM, "provider_key.rotate", target, after=f"{count} keys")
                await uow.commit()

    def _provider(self, provider: str) -> str:
        """A configured provider that takes users' keys; `unknown_provider` naming those that do, else."""
        provider = _normalized(provider)
        keyed = {name for name in self._providers.names() if self._providers.get(name).takes_user_keys}
        if provider not in keyed:
            known = ", ".join(sorted(keyed))
            raise InvalidInput(
                f"unknown provider {provider!r}; configured: {known}", field="provider", code="unknown_provider"
            )
        return provider


def _normalized(provider: str) -> str:
    return provider.strip().lower()


async def _actor(uow: UnitOfWork, tenant_id: str, user_id: str) -> str:
    user = await user_by_id(uow, tenant_id, user_id)
    return user.email or user.id
