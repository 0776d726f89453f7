"""Which keys a tenant's payments use: the tenant's own (sealed with the AES-GCM cipher, never shown again), else
the deployment's defaults (`STRIPE_API_KEY`, `STRIPE_WEBHOOK_SECRET`). Telegram Stars are paid to the tenant's bot:
its key is the bot token the tenant stored for its Telegram channel (else `PROMPTSAAS_TELEGRAM_BOT_TOKEN`)."""

from __future__ import annotations

from collections.abc import Mapping

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.ports.billing_store import SealedPaymentKeys
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.payments import ProviderCredentials
from promptsaas.application.ports.secrets import SecretCipher, SecretUnreadable
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.billing import BillingNotConfigured, check_stripe_keys
from promptsaas.domain.errors import InvalidInput

PAID_TO_BOT = {"telegram_stars": ("telegram", "bot_token")}
"""Providers whose key is a channel's stored secret: (channel, secret name)."""


def _sealed_for(tenant_id: str, provider: str, part: str) -> str:
    return f"payment-keys:{tenant_id}:{provider}:{part}"


class PaymentAccounts:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        cipher: SecretCipher,
        clock: Clock,
        audit: AuditTrail,
        defaults: Mapping[str, ProviderCredentials],
    ) -> None:
        self._uow = uow
        self._cipher = cipher
        self._clock = clock
        self._audit = audit
        self._defaults = dict(defaults)

    async def credentials(self, uow: UnitOfWork, tenant_id: str, provider: str) -> ProviderCredentials:
        """The tenant's keys, else the deployment's; `BillingNotConfigured` when neither exists."""
        sealed = await uow.billing.keys(tenant_id, provider)
        if sealed is None and provider in PAID_TO_BOT:
            bot = await self._bot_token(uow, tenant_id, provider)
            if bot is not None:
                return bot
        if sealed is None:
            default = self._defaults.get(provider)
            if default is None or not default.api_key:
                raise BillingNotConfigured(f"{provider} payments are not configured for this tenant")
            return default
        try:
            secret = self._cipher.decrypt(
                sealed.key_id, sealed.secret_ciphertext, _sealed_for(tenant_id, provider, "key")
            )
            webhook = (
                self._cipher.decrypt(sealed.key_id, sealed.webhook_ciphertext, _sealed_for(tenant_id, provider, "hook"))
                if sealed.webhook_ciphertext
                else None
            )
        except SecretUnreadable as error:
            raise BillingNotConfigured(f"the tenant's {provider} keys do not decrypt ({error})") from None
        return ProviderCredentials(secret, webhook)

    async def _bot_token(self, uow: UnitOfWork, tenant_id: str, provider: str) -> ProviderCredentials | None:
        channel, name = PAID_TO_BOT[provider]
        stored = await uow.channel_secrets.get(tenant_id, channel, name)
        if stored is None:
            return None
        try:
            return ProviderCredentials(self._cipher.decrypt(stored.key_id, stored.ciphertext, stored.associated_data))
        except SecretUnreadable as error:
            raise BillingNotConfigured(f"the tenant's {channel} {name} does not decrypt ({error})") from None

    async def source(self, tenant_id: str, provider: str) -> str:
        """Whose keys are in force, without opening them: `tenant`, `default` (the deployment's) or `none`."""
        async with self._uow() as uow:
            sealed = await uow.billing.keys(tenant_id, provider)
        if sealed is not None:
            return "tenant"
        default = self._defaults.get(provider)
        return "default" if default is not None and default.api_key else "none"

    async def set_keys(
        self, tenant_id: str, provider: str, secret_key: str, webhook_secret: str | None, actor: str
    ) -> None:
        """Store the tenant's keys, sealed; Stripe's must both have their shape (`check_stripe_keys`), else nothing
        is stored and the error names the field, never the value."""
        if provider == "stripe":
            secret_key, webhook_secret = check_stripe_keys(secret_key, webhook_secret)
        if not secret_key.strip():
            raise InvalidInput("secret_key must not be empty", field="secret_key")
        key_id, secret = self._cipher.encrypt(secret_key.strip(), _sealed_for(tenant_id, provider, "key"))
        hook = None
        if webhook_secret:
            _, hook = self._cipher.encrypt(webhook_secret.strip(), _sealed_for(tenant_id, provider, "hook"))
        async with self._uow() as uow:
            sealed = SealedPaymentKeys(tenant_id, provider, key_id, secret, hook, self._clock.now())
            await uow.billing.put_keys(sealed)
            after = f"secret ...{secret_key.strip()[-4:]}" + (", webhook secret set" if hook else "")
            await self._audit.record(uow, tenant_id, actor, "billing.keys.set", provider, after=after)
            await uow.commit()
