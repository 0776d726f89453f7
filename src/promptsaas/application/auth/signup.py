"""Self-service sign-up under the tenant's sign-up mode, and admins' invites.

The answer never says whether the address already has an account: a new one gets a verification mail, an existing
one a mail telling its owner, and the caller sees the same reply either way.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from promptsaas.application.admin import AdminService
from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.auth.account_mail import INVITE, AccountMail
from promptsaas.application.auth.passwords import check_password_strength
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.security import PasswordHasher
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.errors import AlreadyExists, InvalidInput, InvalidLink, NotFound, SignUpRefused
from promptsaas.domain.tenants import SignupMode, Tenant, check_tenant_active
from promptsaas.domain.users import Role, normalize_email


def signup_mode(value: str) -> SignupMode:
    try:
        return SignupMode(value)
    except ValueError:
        options = ", ".join(m.value for m in SignupMode)
        raise InvalidInput(f"sign-up mode must be one of {options}, got {value!r}", field="signup_mode") from None


def check_may_create_account(tenant: Tenant, invited: bool) -> None:
    """Nobody creates an account by themselves in a closed tenant, nor without an invite in an invite-only one."""
    if tenant.signup_mode is SignupMode.CLOSED:
        raise SignUpRefused("this tenant does not take sign-ups; an admin creates accounts")
    if tenant.signup_mode is SignupMode.INVITE and not invited:
        raise SignUpRefused("this tenant takes sign-ups by invite only", code="invite_required")


class SignUpService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        admin: AdminService,
        mail: AccountMail,
        audit: AuditTrail,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._admin = admin
        self._mail = mail
        self._audit = audit
        self._clock = clock

    async def sign_up(
        self, tenant_id: str, email: str, password: str, *, display_name: str = "", invite: str | None = None
    ) -> None:
        """Create a member account, or mail the owner of the address that has one: the same answer for both."""
        email = normalize_email(email)
        check_password_strength(password)
        role = self._invited_role(tenant_id, email, invite)
        async with self._uow() as uow:
            tenant = await uow.tenants.get(tenant_id)
            check_tenant_active(tenant)
            assert tenant is not None
        check_may_create_account(tenant, invited=role is not None)
        password_hash = await asyncio.to_thread(self._hasher.hash, password)
        try:
            async with self._uow() as uow:
                if await uow.users.get_by_email(tenant_id, email) is not None:
                    raise AlreadyExists("user", email)
                user = await self._admin.add_user(
                    uow, tenant_id, email, display_name, role or Role.MEMBER, password_hash
                )
                if role is not None:
                    user.email_verified_at = self._clock.now()
                    await uow.users.update(user)
                how = "invite" if role is not None else "sign-up"
                await self._audit.record(uow, tenant_id, email, "user.create", email, how, user.role)
                await uow.commit()
        except AlreadyExists:
            await self._mail.already_registered(email)
            return
        if not user.email_verified:
            await self._mail.verification(user)

    async def invite(self, tenant_id: str, email: str, role: Role = Role.MEMBER, actor: str = "system") -> str:
        """Mail an invite to an address without an account; returns its link. `user_exists` when it has one."""
        email = normalize_email(email)
        async with self._uow() as uow:
            tenant = await uow.tenants.get(tenant_id)
            check_tenant_active(tenant)
            assert tenant is not None
            if await uow.users.get_by_email(tenant_id, email) is not None:
                raise AlreadyExists("user", email)
            await self._audit.record(uow, tenant_id, actor, "user.invite", email, "", role)
            await uow.commit()
        return await self._mail.invite(tenant_id, tenant.name, email, role.value)

    async def signup_mode(self, tenant_id: str) -> SignupMode:
        async with self._uow() as uow:
            tenant = await uow.tenants.get(tenant_id)
        if tenant is None:
            raise NotFound("tenant", tenant_id)
        return tenant.signup_mode

    async def set_signup_mode(self, tenant_id: str, mode: SignupMode, actor: str = "system") -> Tenant:
        async with self._uow() as uow:
            tenant = await uow.tenants.get(tenant_id)
            if tenant is None:
                raise NotFound("tenant", tenant_id)
            slug = tenant.slug
            if tenant.signup_mode is not mode:
                before = tenant.signup_mode
                tenant = replace(tenant, signup_mode=mode)
                await uow.tenants.update(tenant)
                await self._audit.record(uow, tenant.id, actor, "tenant.signup_mode", slug, before, mode)
                await uow.commit()
        return tenant

    def _invited_role(self, tenant_id: str, email: str, invite: str | None) -> Role | None:
        """The role an invite for this address grants; None without one; `invite_required` for a bad one."""
        if invite is None:
            return None
        try:
            claims = self._mail.claims(INVITE, invite, tenant_id)
        except InvalidLink:
            raise SignUpRefused(
                "this invite is invalid, expired or for another tenant", code="invite_required"
            ) from None
        if claims.get("email") != email:
            raise SignUpRefused("this invite is for another address", code="invite_required")
        return Role.ADMIN if claims.get("role") == Role.ADMIN.value else Role.MEMBER
