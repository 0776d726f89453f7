"""The library's account handle (`tenant.accounts`): roles and status, sign-up mode, invites, sign-up, email
verification, password reset and change, signing out everywhere; `SyncAccounts` is its blocking twin."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from promptsaas.application.auth.service import AuthService
from promptsaas.application.auth.sessions import TokenPair
from promptsaas.application.auth.signup import signup_mode
from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.tenants import Tenant
from promptsaas.domain.users import Role, User, UserStatus
from promptsaas.entrypoints.composition.container import Container
from promptsaas.entrypoints.library_loop import LoopThread


class AsyncAccounts:
    def __init__(self, container: Container, tenant_id: str) -> None:
        self._c = container
        self._tenant_id = tenant_id

    @property
    def _auth(self) -> AuthService:
        return self._c.auth()

    async def set_role(self, email: str, role: str) -> User:
        """`member` or `admin`; `last_admin` when it would leave the tenant without an active admin."""
        user = await self._c.admin().user(self._tenant_id, email)
        return await self._c.admin().update_user(self._tenant_id, user.id, role=choice(Role, role, "role"))

    async def set_status(self, email: str, status: str) -> User:
        """`active` or `disabled` (a disabled user signs in and calls no more); `last_admin` as for roles."""
        user = await self._c.admin().user(self._tenant_id, email)
        return await self._c.admin().update_user(self._tenant_id, user.id, status=choice(UserStatus, status, "status"))

    async def set_signup_mode(self, mode: str) -> Tenant:
        """`open`, `verified`, `invite` or `closed`."""
        return await self._auth.signup.set_signup_mode(self._tenant_id, signup_mode(mode))

    async def invite(self, email: str, role: str = "member") -> str:
        """Mail an invite and return its link."""
        return await self._auth.signup.invite(self._tenant_id, email, choice(Role, role, "role"))

    async def sign_up(self, email: str, password: str, *, display_name: str = "", invite: str | None = None) -> None:
        """Self-service sign-up as the HTTP API does it: under the sign-up mode, revealing nothing."""
        await self._auth.signup.sign_up(self._tenant_id, email, password, display_name=display_name, invite=invite)

    async def verify_email(self, token: str) -> User:
        return await self._auth.accounts.verify_email(token)

    async def forgot_password(self, email: str) -> None:
        await self._auth.accounts.forgot_password(self._tenant_id, email)

    async def reset_password(self, token: str, password: str) -> User:
        return await self._auth.accounts.reset_password(token, password)

    async def change_password(self, email: str, current: str, new: str) -> TokenPair:
        user = await self._c.admin().user(self._tenant_id, email)
        return await self._auth.accounts.change_password(self._tenant_id, user.id, current, new)

    async def sign_out_everywhere(self, email: str) -> None:
        user = await self._c.admin().user(self._tenant_id, email)
        await self._auth.accounts.sign_out_everywhere(self._tenant_id, user.id, actor="library")


class SyncAccounts:
    """The blocking twin of `AsyncAccounts`."""

    def __init__(self, loop: LoopThread, accounts: AsyncAccounts) -> None:
        self._loop = loop
        self._accounts = accounts

    def set_role(self, email: str, role: str) -> User:
        return self._loop.run(self._accounts.set_role(email, role))

    def set_status(self, email: str, status: str) -> User:
        return self._loop.run(self._accounts.set_status(email, status))

    def set_signup_mode(self, mode: str) -> Tenant:
        return self._loop.run(self._accounts.set_signup_mode(mode))

    def invite(self, email: str, role: str = "member") -> str:
        return self._loop.run(self._accounts.invite(email, role))

    def sign_up(self, email: str, password: str, *, display_name: str = "", invite: str | None = None) -> None:
        return self._loop.run(self._accounts.sign_up(email, password, display_name=display_name, invite=invite))

    def verify_email(self, token: str) -> User:
        return self._loop.run(self._accounts.verify_email(token))

    def forgot_password(self, email: str) -> None:
        return self._loop.run(self._accounts.forgot_password(email))

    def reset_password(self, token: str, password: str) -> User:
        return self._loop.run(self._accounts.reset_password(token, password))

    def change_password(self, email: str, current: str, new: str) -> TokenPair:
        return self._loop.run(self._accounts.change_password(email, current, new))

    def sign_out_everywhere(self, email: str) -> None:
        return self._loop.run(self._accounts.sign_out_everywhere(email))


E = TypeVar("E", bound=Enum)


def choice(kind: type[E], value: str, field: str) -> E:
    """`value` as a member of the enum `kind`, or `InvalidInput` naming `field` and the values it can take."""
    try:
        return kind(value)
    except ValueError:
        options = ", ".join(v.value for v in kind)
        raise InvalidInput(f"{field} must be one of {options}, got {value!r}", field=field) from None


for _name, _method in vars(SyncAccounts).items():
    if callable(_method) and not _name.startswith("_") and _method.__doc__ is None:
        _method.__doc__ = getattr(AsyncAccounts, _name).__doc__
