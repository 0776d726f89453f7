"""The account lifecycle after sign-up: verify the email, forgot and reset the password, change it, sign out
everywhere. Proving the mailbox of an account nobody had proved voids what its creator left: password, sessions,
API keys (so registering someone else's address first gains nothing).
"""

from __future__ import annotations

import asyncio

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.auth.account_mail import RESET_PASSWORD, VERIFY_EMAIL, AccountMail
from promptsaas.application.auth.passwords import check_password_strength
from promptsaas.application.auth.sessions import SessionService, TokenPair
from promptsaas.application.lookups import user_by_id
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.security import PasswordHasher
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.errors import InvalidCredentials, InvalidInput, InvalidLink
from promptsaas.domain.tenants import check_tenant_active
from promptsaas.domain.users import Identity, IdentityProvider, User, normalize_email


async def void_unproven_credentials(uow: UnitOfWork, user: User, sessions: SessionService, clock: Clock) -> bool:
    """When the mailbox owner of a never verified account proves themselves: whoever registered it loses every way
    in (password, sessions, API keys) and the email counts as verified. False when it was verified already."""
    if user.email_verified:
        return False
    user.password_hash = None
    user.email_verified_at = clock.now()
    for key in await uow.api_keys.list_for_user(user.tenant_id, user.id):
        if key.is_active:
            await uow.api_keys.revoke(user.tenant_id, key.id, clock.now())
    await sessions.sign_out_everywhere(uow, user)
    return True


class AccountService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        sessions: SessionService,
        mail: AccountMail,
        audit: AuditTrail,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._sessions = sessions
        self._mail = mail
        self._audit = audit
        self._clock = clock

    async def request_verification(self, tenant_id: str, user_id: str) -> bool:
        """Mail a new verification link; False (and no mail) when the email is verified already or absent."""
        async with self._uow() as uow:
            user = await user_by_id(uow, tenant_id, user_id)
        if user.email is None or user.email_verified:
            return False
        await self._mail.verification(user)
        return True

    async def verify_email(self, token: str) -> User:
        """Mark the email of a verification link verified (again is a no-op); `InvalidLink` for a bad link or one
        sent to an address the account no longer has."""
        claims = self._mail.claims(VERIFY_EMAIL, token)
        async with self._uow() as uow:
            user = await self._linked_user(uow, claims)
            if user.email != claims.get("email"):
                raise InvalidLink()
            if not user.email_verified:
                user.email_verified_at = self._clock.now()
                await uow.users.update(user)
                await self._audit.record(uow, user.tenant_id, _actor(user), "user.verify_email", _actor(user))
                await uow.commit()
        return user

    async def forgot_password(self, tenant_id: str, email: str) -> None:
        """Mail a reset link to an active account with this email; the same silence for every other address."""
        try:
            async with self._uow() as uow:
                check_tenant_active(await uow.tenants.get(tenant_id))
                user = await uow.users.get_by_email(tenant_id, normalize_email(email))
        except InvalidInput:
            return
        if user is not None and user.is_active:
            await self._mail.reset(user)

    async def check_reset_link(self, token: str) -> None:
        """`InvalidLink` unless this reset link would still work (so a page says so before a password is typed)."""
        claims = self._mail.claims(RESET_PASSWORD, token)
        async with self._uow() as uow:
            await self._resetting_user(uow, claims)

    async def reset_password(self, token: str, password: str) -> User:
        """Set a new password from a reset link, which then stops working; every session ends."""
        check_password_strength(password)
        claims = self._mail.claims(RESET_PASSWORD, token)
        password_hash = await asyncio.to_thread(self._hasher.hash, password)
        async with self._uow() as uow:
            user = await self._resetting_user(uow, claims)
            voided = await void_unproven_credentials(uow, user, self._sessions, self._clock)
            if not voided:
                await self._sessions.sign_out_everywhere(uow, user)
            user.password_hash = password_hash
            await uow.users.update(user)
            await self._password_identity(uow, user)
            note = "unverified account's credentials voided" if voided else ""
            await self._audit.record(uow, user.tenant_id, _actor(user), "user.reset_password", _actor(user), "", note)
            await uow.commit()
        return user

    async def change_password(self, tenant_id: str, user_id: str, current: str, new: str) -> TokenPair:
        """Change a password knowing the current one: every other session ends; the answer is a new session."""
        check_password_strength(new)
        async with self._uow() as uow:
            user = await user_by_id(uow, tenant_id, user_id)
        stored = user.password_hash
        if stored is None or not await asyncio.to_thread(self._hasher.verify, stored, current):
            raise InvalidCredentials()
        new_hash = await asyncio.to_thread(self._hasher.hash, new)
        async with self._uow() as uow:
            user = await user_by_id(uow, tenant_id, user_id)
            if user.password_hash != stored:
                raise InvalidCredentials()
            user.password_hash = new_hash
            await self._sessions.sign_out_everywhere(uow, user)
            await self._password_identity(uow, user)
            await self._audit.record(uow, tenant_id, _actor(user), "user.change_password", _actor(user))
            pair = await self._sessions.start(uow, user)
            await uow.commit()
        return pair

    async def sign_out_everywhere(self, tenant_id: str, user_id: str, actor: str | None = None) -> None:
        """End every session of the user: refresh tokens revoked, access tokens refused from the next request."""
        async with self._uow() as uow:
            user = await user_by_id(uow, tenant_id, user_id)
            await self._sessions.sign_out_everywhere(uow, user)
            await self._audit.record(uow, tenant_id, actor or _actor(user), "user.sign_out_everywhere", _actor(user))
            await uow.commit()

    async def _linked_user(self, uow: UnitOfWork, claims: dict[str, object]) -> User:
        tenant_id, user_id = claims.get("tid"), claims.get("sub")
        if not isinstance(tenant_id, str) or not isinstance(user_id, str):
            raise InvalidLink()
        check_tenant_active(await uow.tenants.get(tenant_id))
        user = await uow.users.get(tenant_id, user_id)
        if user is None:
            raise InvalidLink()
        return user

    async def _resetting_user(self, uow: UnitOfWork, claims: dict[str, object]) -> User:
        """The active user of a reset link not used yet (a reset raises the token epoch the link carries)."""
        user = await self._linked_user(uow, claims)
        if claims.get("ep") != user.token_epoch or not user.is_active:
            raise InvalidLink()
        return user

    async def _password_identity(self, uow: UnitOfWork, user: User) -> None:
        if user.email and await uow.identities.get(user.tenant_id, IdentityProvider.PASSWORD, user.email) is None:
            now = self._clock.now()
            await uow.identities.add(Identity(user.tenant_id, IdentityProvider.PASSWORD, user.email, user.id, now))


def _actor(user: User) -> str:
    return user.email or user.id
