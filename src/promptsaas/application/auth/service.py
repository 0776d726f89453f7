"""Authentication: passwords, login and register (rate-limited), and the one entry shells call for every credential.

Sessions (`auth.sessions`), API keys (`auth.api_keys`) and OAuth sign-in
(`auth.oauth_sign_in`) live in their own modules; `AuthService` hands those calls on unchanged.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from promptsaas.application.admin import AdminService
from promptsaas.application.auth.api_keys import ApiKeyService
from promptsaas.application.auth.oauth_sign_in import OAuthSignIn
from promptsaas.application.auth.sessions import SessionService, TokenPair
from promptsaas.application.ports.rate_limit import RateLimiter
from promptsaas.application.ports.security import PasswordHasher
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.read_cache import ReadCache
from promptsaas.domain.credentials import ApiKey
from promptsaas.domain.errors import InvalidCredentials, InvalidInput, RateLimited
from promptsaas.domain.tenants import Tenant, check_tenant_active
from promptsaas.domain.users import Role, User, normalize_email

MIN_PASSWORD = 8
MAX_PASSWORD = 1024


def check_password_strength(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(
            f"password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters",
            field="password",
            code="weak_password",
        )


@dataclass(frozen=True, slots=True)
class AuthRateLimits:
    """Attempts allowed per window: per client IP, and per email address within a tenant."""

    login_per_ip: int = 30
    login_per_email: int = 10
    register_per_ip: int = 10
    register_per_email: int = 5
    window_seconds: int = 900


class AuthService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        admin: AdminService,
        sessions: SessionService,
        api_keys: ApiKeyService,
        oauth: OAuthSignIn,
        limiter: RateLimiter,
        limits: AuthRateLimits | None = None,
        cache: ReadCache | None = None,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._admin = admin
        self._limiter = limiter
        self._limits = limits or AuthRateLimits()
        self._cache = cache or ReadCache(ttl_seconds=0)
        self._dummy_hash: str | None = None
        self.sessions = sessions
        self.keys = api_keys
        self.oauth = oauth

    async def register(
        self,
        tenant_id: str,
        email: str,
        password: str,
        *,
        display_name: str = "",
        role: Role = Role.MEMBER,
        ip: str | None = None,
    ) -> User:
        """Create a user with a password; rate-limited per IP and email when `ip` is given (untrusted callers)."""
        if ip is not None:
            limits = self._limits
            await self._limit(
                ("register:ip", ip, limits.register_per_ip),
                ("register:email", _email_key(tenant_id, email), limits.register_per_email),
            )
        await self._admit(tenant_id)
        check_password_strength(password)
        password_hash = await asyncio.to_thread(self._hasher.hash, password)
        return await self._admin.create_user(
            tenant_id, email, display_name=display_name, role=role, password_hash=password_hash
        )

    async def login(self, tenant_id: str, email: str, password: str, *, ip: str | None = None) -> TokenPair:
        """Tokens for a right password; rate-limited per email, and per IP when given (`RateLimited`)."""
        limits = self._limits
        await self._limit(
            ("login:ip", ip, limits.login_per_ip),
            ("login:email", _email_key(tenant_id, email), limits.login_per_email),
        )
        user = await self.verify_password(tenant_id, email, password)
        await self._admit(tenant_id)
        return await self.sessions.issue_tokens(user)

    async def verify_password(self, tenant_id: str, email: str, password: str) -> User:
        """The user, or `InvalidCredentials` alike (and alike in timing) for an unknown email or a wrong password."""
        try:
            email = normalize_email(email)
        except InvalidInput:
            raise InvalidCredentials() from None
        async with self._uow() as uow:
            user = await uow.users.get_by_email(tenant_id, email)
            if user is None or user.password_hash is None or not user.is_active:
                await asyncio.to_thread(self._hasher.verify, await self._dummy(), password)
                raise InvalidCredentials()
            if not await asyncio.to_thread(self._hasher.verify, user.password_hash, password):
                raise InvalidCredentials()
            if self._hasher.needs_rehash(user.password_hash):
                user.password_hash = await asyncio.to_thread(self._hasher.hash, password)
                await uow.users.update(user)
                await uow.commit()
            return user

    async def issue_tokens(self, user: User) -> TokenPair:
        return await self.sessions.issue_tokens(user)

    async def refresh(self, refresh_token: str) -> TokenPair:
        """The session refuses a suspended tenant's token before spending it, so it works again on reactivation."""
        return await self.sessions.refresh(refresh_token)

    async def logout(self, refresh_token: str) -> None:
        await self.sessions.logout(refresh_token)

    async def authenticate(self, access_token: str) -> User:
        user = await self.sessions.authenticate(access_token)
        await self._admit(user.tenant_id)
        return user

    async def oauth_sign_in(self, tenant_id: str, provider: str, id_token: str, nonce: str | None) -> TokenPair:
        return await self.oauth.oauth_sign_in(tenant_id, provider, id_token, nonce)

    async def create_api_key(self, tenant_id: str, user_id: str, name: str) -> tuple[ApiKey, str]:
        return await self.keys.create_api_key(tenant_id, user_id, name)

    async def api_keys(self, tenant_id: str, user_id: str) -> list[ApiKey]:
        return await self.keys.api_keys(tenant_id, user_id)

    async def revoke_api_key(self, tenant_id: str, user_id: str, key_id: str) -> None:
        await self.keys.revoke_api_key(tenant_id, user_id, key_id)

    async def authenticate_api_key(self, key: str) -> User:
        user = await self.keys.authenticate_api_key(key)
        await self._admit(user.tenant_id)
        return user

    async def _admit(self, tenant_id: str) -> None:
        """`TenantSuspended` unless the tenant is active (read through the cache: this runs on every request)."""
        check_tenant_active(await self._cache.get(tenant_id, "tenant", lambda: self._tenant(tenant_id)))

    async def _tenant(self, tenant_id: str) -> Tenant | None:
        async with self._uow() as uow:
            return await uow.tenants.get(tenant_id)

    async def _limit(self, *rules: tuple[str, str | None, int]) -> None:
        """Count one attempt against every rule whose subject is known; refuse with the longest wait."""
        waits = []
        for scope, subject, limit in rules:
            if subject is not None:
                wait = await self._limiter.hit(f"{scope}:{subject}", limit, self._limits.window_seconds)
                if wait is not None:
                    waits.append(wait)
        if waits:
            raise RateLimited(max(waits))

    async def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await asyncio.to_thread(self._hasher.hash, "not a real password")
        return self._dummy_hash


def _email_key(tenant_id: str, email: str) -> str:
    return f"{tenant_id}:{email.strip().lower()}"
