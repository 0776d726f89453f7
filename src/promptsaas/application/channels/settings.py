"""A tenant's channel secrets (bot token, webhook secret): encrypted at rest with the tenant and name bound in,
audited without the value, never returned except to the shell that uses them."""

from __future__ import annotations

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.secrets import SecretCipher, SecretUnreadable
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.errors import InvalidInput, SetupFailed
from promptsaas.domain.messengers import ChannelSecret, channel_secret_owner

MAX_SECRET = 4096


class ChannelSettings:
    def __init__(self, uow: UnitOfWorkFactory, cipher: SecretCipher, clock: Clock, audit: AuditTrail) -> None:
        self._uow = uow
        self._cipher = cipher
        self._clock = clock
        self._audit = audit

    async def set_secret(self, tenant_id: str, channel: str, name: str, value: str, actor: str = "system") -> None:
        value = value.strip()
        if not value or len(value) > MAX_SECRET or any(c.isspace() for c in value):
            raise InvalidInput(f"the {name} must be one line without spaces", field=name)
        key_id, ciphertext = self._cipher.encrypt(value, channel_secret_owner(tenant_id, channel, name))
        secret = ChannelSecret(tenant_id, channel, name, key_id, ciphertext, self._clock.now())
        async with self._uow() as uow:
            await uow.channel_secrets.put(secret)
            await self._audit.record(uow, tenant_id, actor, f"channel.{channel}.set", name, after="stored")
            await uow.commit()

    async def forget(self, tenant_id: str, channel: str, name: str, actor: str = "system") -> bool:
        """Remove a stored secret (audited); True when one was stored."""
        async with self._uow() as uow:
            removed = await uow.channel_secrets.delete(tenant_id, channel, name)
            if removed:
                await self._audit.record(uow, tenant_id, actor, f"channel.{channel}.remove", name, before="stored")
            await uow.commit()
        return removed

    async def is_set(self, tenant_id: str, channel: str, name: str) -> bool:
        """Whether a value is stored, without opening it (pages say "set", never the value)."""
        async with self._uow() as uow:
            return await uow.channel_secrets.get(tenant_id, channel, name) is not None

    async def secret(self, tenant_id: str, channel: str, name: str) -> str | None:
        """The stored value, or None; `SetupFailed` when it no longer decrypts (the encryption key changed)."""
        async with self._uow() as uow:
            stored = await uow.channel_secrets.get(tenant_id, channel, name)
        if stored is None:
            return None
        try:
            return self._cipher.decrypt(stored.key_id, stored.ciphertext, stored.associated_data)
        except SecretUnreadable:
            raise SetupFailed(
                f"the stored {channel} {name} cannot be decrypted: the server's encryption key changed; store it again"
            ) from None
