"""People on a messenger: a chat user is an identity (`telegram:<id>`) of a member user, created on first contact."""

from __future__ import annotations

from dataclasses import dataclass

from promptsaas.application.admin import AdminService
from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.channels import Channel
from promptsaas.domain.errors import NotFound
from promptsaas.domain.links import UserDisabled
from promptsaas.domain.users import Identity, IdentityProvider, Role

PROVIDER_OF = {Channel.TELEGRAM: IdentityProvider.TELEGRAM, Channel.WHATSAPP: IdentityProvider.WHATSAPP}


@dataclass(frozen=True, slots=True)
class Person:
    """Who writes in a chat: the tenant's user behind the messenger identity `provider:subject`."""

    tenant_id: str
    user_id: str
    channel: Channel
    subject: str

    @property
    def provider(self) -> IdentityProvider:
        return PROVIDER_OF[self.channel]


class People:
    def __init__(self, uow: UnitOfWorkFactory, admin: AdminService, audit: AuditTrail, clock: Clock) -> None:
        self._uow = uow
        self._admin = admin
        self._audit = audit
        self._clock = clock

    async def enter(self, tenant_id: str, channel: Channel, subject: str, display_name: str = "") -> Person:
        """The person behind a messenger identity, created (with the tenant's default plan) on first contact;
        `UserDisabled` for a disabled account."""
        provider = PROVIDER_OF[channel]
        async with self._uow() as uow:
            identity = await uow.identities.get(tenant_id, provider, subject)
            if identity is not None:
                user = await uow.users.get(tenant_id, identity.user_id)
                if user is None:
                    raise NotFound("user", identity.user_id)
                if not user.is_active:
                    raise UserDisabled()
                return Person(tenant_id, user.id, channel, subject)
            if await uow.tenants.get(tenant_id) is None:
                raise NotFound("tenant", tenant_id)
            user = await self._admin.add_user(uow, tenant_id, None, display_name[:80], Role.MEMBER, None)
            await uow.identities.add(Identity(tenant_id, provider, subject, user.id, self._clock.now()))
            await self._audit.record(uow, tenant_id, f"{provider}:{subject}", "user.create", user.id, after="member")
            await uow.commit()
        return Person(tenant_id, user.id, channel, subject)
