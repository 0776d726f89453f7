"""A tenant's WhatsApp number: its settings sealed at rest (as channel secrets, with the AES-GCM cipher), or the
deployment's defaults, and the webhook's checks.

The verify token answers Meta's subscription challenge; the app secret signs every delivery (`X-Hub-Signature-256`,
HMAC-SHA256 of the raw body), compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from promptsaas.application.channels.settings import ChannelSettings
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.errors import DomainError, InvalidInput
from promptsaas.domain.whatsapp import WhatsAppAccount

CHANNEL = "whatsapp"
SECRETS = ("access_token", "app_secret", "verify_token")


class InvalidSignature(DomainError):
    """A delivery whose signature is missing or wrong: nothing of it is stored."""

    code = "invalid_signature"


class VerificationFailed(DomainError):
    """Meta's subscription challenge with a wrong verify token, or for a tenant without WhatsApp."""

    code = "verification_failed"


class WhatsAppNotConfigured(DomainError):
    code = "whatsapp_not_configured"

    def __init__(self) -> None:
        super().__init__("WhatsApp is not set up for this tenant: PUT /v1/admin/channels/whatsapp")


@dataclass(frozen=True, slots=True)
class AccountView:
    """What an admin sees of the settings: never a secret."""

    tenant_slug: str
    phone_number_id: str
    source: str
    """`tenant` (stored) or `default` (the deployment's PROMPTSAAS_WHATSAPP_* settings)."""


class WhatsAppAccounts:
    def __init__(
        self, settings: ChannelSettings, uow: UnitOfWorkFactory, default: WhatsAppAccount | None = None
    ) -> None:
        self._settings = settings
        self._uow = uow
        self._default = default

    async def configure(self, tenant_id: str, account: WhatsAppAccount, actor: str) -> AccountView:
        """Seal and store the tenant's settings (replacing any), each change audited without its value."""
        phone = account.phone_number_id.strip()
        if not phone.isdigit() or len(phone) > 64:
            raise InvalidInput("phone_number_id is the number's id in Meta's app (digits)", field="phone_number_id")
        values = {"phone_number_id": phone, **{name: getattr(account, name) for name in SECRETS}}
        for name, value in values.items():
            await self._settings.set_secret(tenant_id, CHANNEL, name, value, actor)
        return await self.view(tenant_id)

    async def view(self, tenant_id: str) -> AccountView:
        async with self._uow() as uow:
            tenant = await uow.tenants.get(tenant_id)
        slug = tenant.slug if tenant else tenant_id
        stored = await self._stored(tenant_id)
        if stored is not None:
            return AccountView(slug, stored.phone_number_id, "tenant")
        if self._default is not None:
            return AccountView(slug, self._default.phone_number_id, "default")
        raise WhatsAppNotConfigured()

    async def resolve(self, tenant_id: str) -> WhatsAppAccount | None:
        """The tenant's own settings, opened; else the deployment's defaults; else None."""
        return await self._stored(tenant_id) or self._default

    async def _stored(self, tenant_id: str) -> WhatsAppAccount | None:
        values = {name: await self._settings.secret(tenant_id, CHANNEL, name) for name in ("phone_number_id", *SECRETS)}
        if not all(values.values()):
            return None
        return WhatsAppAccount(**{name: str(value) for name, value in values.items()})

    async def verify_subscription(self, tenant_id: str, mode: str | None, token: str | None) -> None:
        """Meta's `hub.mode=subscribe` with the tenant's verify token; `VerificationFailed` otherwise."""
        account = await self.resolve(tenant_id)
        if account is None or mode != "subscribe" or token is None:
            raise VerificationFailed("the verify token does not match")
        if not hmac.compare_digest(token.encode(), account.verify_token.encode()):
            raise VerificationFailed("the verify token does not match")

    async def authenticate(self, tenant_id: str, body: bytes, signature: str | None) -> WhatsAppAccount:
        """The account, once `signature` proves Meta signed `body` with its app secret."""
        account = await self.resolve(tenant_id)
        if account is None:
            raise InvalidSignature("WhatsApp is not set up for this tenant, so no delivery can be verified")
        if not signature or not signature.startswith("sha256="):
            raise InvalidSignature("the X-Hub-Signature-256 header is missing")
        expected = hmac.new(account.app_secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature[7:].strip().lower().encode(), expected.encode()):
            raise InvalidSignature("the X-Hub-Signature-256 signature does not match the body")
        return account
