"""The person behind a WhatsApp number: identity `whatsapp:<bsuid or wa_id>` of a member user made on first contact.

A new user holds the tenant's default plan (entitlements derive it), like every new member.
"""

from __future__ import annotations

from promptsaas.application.admin import AdminService
from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.errors import NotFound
from promptsaas.domain.users import Identity, IdentityProvider, Role, User


class WhatsAppPeople:
    def __init__(self, uow: UnitOfWorkFactory, admin: AdminService, audit: AuditTrail, clock: Clock) -> None:
        self._uow = uow
        self._admin = admin
        self._audit = audit
        self._clock = clock

    async def user(self, tenant_id: str, person: str, name: str) -> User:
        """The user of this person, created (with its identity and an audit row) on first contact."""
        async with self._uow() as uow:
            known = await uow.identities.get(tenant_id, IdentityProvider.WHATSAPP, person)
            if known is not None:
                user = await uow.users.get(tenant_id, known.user_id)
                if user is None:
                    raise NotFound("user", known.user_id)
                return user
            user = await self._admin.add_user(uow, tenant_id, None, name[:100], Role.MEMBER, None)
            await uow.identities.add(Identity(tenant_id, IdentityProvider.WHATSAPP, person, user.id, self._clock.now()))
            await self._audit.record(uow, tenant_id, f"whatsapp:{person}", "user.create", user.id, after=Role.MEMBER)
            await uow.commit()
        return user
