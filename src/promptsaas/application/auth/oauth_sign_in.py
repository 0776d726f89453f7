"""Signing in with a Google or Apple ID token: the user is found by identity, linked by verified email, or created.

An email the provider has not verified never links to (or claims) an account: whoever controls that provider
account need not own the mailbox. Linking to an account whose email was never verified drops what its creator left
(password, sessions, API keys): whoever registered someone else's address first keeps no way in.
"""

from __future__ import annotations

from promptsaas.application.admin import AdminService
from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.auth.accounts import void_unproven_credentials
from promptsaas.application.auth.sessions import SessionService, TokenPair
from promptsaas.application.auth.signup import check_may_create_account
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.oauth import IdTokenVerifier, VerifiedIdentity
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.errors import InvalidInput, InvalidToken
from promptsaas.domain.tenants import Tenant, check_tenant_active
from promptsaas.domain.users import Identity, IdentityProvider, Role, User, display_name_given, normalize_email

OAUTH_PROVIDERS = (IdentityProvider.GOOGLE, IdentityProvider.APPLE)


def oauth_provider(name: str) -> IdentityProvider:
    for provider in OAUTH_PROVIDERS:
        if provider.value == name:
            return provider
    raise InvalidInput(f"unknown sign-in provider {name!r} (google or apple)", field="provider")


class OAuthSignIn:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        verifier: IdTokenVerifier,
        sessions: SessionService,
        admin: AdminService,
        audit: AuditTrail,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._verifier = verifier
        self._sessions = sessions
        self._admin = admin
        self._audit = audit
        self._clock = clock

    async def oauth_sign_in(self, tenant_id: str, provider: str, id_token: str, nonce: str | None) -> TokenPair:
        kind = oauth_provider(provider)
        identity = await self._verifier.verify(kind, id_token, nonce)
        async with self._uow() as uow:
            tenant = await uow.tenants.get(tenant_id)
            check_tenant_active(tenant)
            assert tenant is not None
            user = await self._user_for(uow, tenant, kind, identity)
            if not user.is_active:
                raise InvalidToken("the account is disabled")
            pair = await self._sessions.start(uow, user)
            await uow.commit()
        return pair

    async def _user_for(
        self, uow: UnitOfWork, tenant: Tenant, provider: IdentityProvider, identity: VerifiedIdentity
    ) -> User:
        tenant_id = tenant.id
        known = await uow.identities.get(tenant_id, provider, identity.subject)
        if known is not None:
            user = await uow.users.get(tenant_id, known.user_id)
            if user is None:
                raise InvalidToken("the account no longer exists")
            return user
        email = _email(identity)
        existing = await uow.users.get_by_email(tenant_id, email) if email else None
        actor = f"{provider.value}:{identity.subject}"
        if existing is not None:
            if not identity.email_verified:
                raise InvalidToken(
                    f"{provider.value} has not verified this email, so it cannot be linked to the existing account",
                    code="email_not_verified",
                )
            user = existing
            voided = await void_unproven_credentials(uow, user, self._sessions, self._clock)
            await uow.users.update(user)
            note = f"{provider}; unverified account's password, sessions and API keys voided" if voided else provider
            await self._audit.record(uow, tenant_id, actor, "identity.link", user.email or user.id, after=note)
        else:
            check_may_create_account(tenant, invited=False)
            email = email if identity.email_verified else None
            name = display_name_given(identity.name)
            user = await self._admin.add_user(uow, tenant_id, email, name, Role.MEMBER, None)
            if email:
                user.email_verified_at = self._clock.now()
                await uow.users.update(user)
            await self._audit.record(uow, tenant_id, actor, "user.create", user.email or user.id, after=Role.MEMBER)
        await uow.identities.add(Identity(tenant_id, provider, identity.subject, user.id, self._clock.now()))
        return user


def _email(identity: VerifiedIdentity) -> str | None:
    try:
        return normalize_email(identity.email) if identity.email else None
    except InvalidInput:
        return None
