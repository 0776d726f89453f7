"""Authentication: passwords, login and register (rate-limited), and the one entry shells call for every credential.

Sessions (`auth.sessions`), API keys (`auth.api_keys`), OAuth sign-in (`auth.oauth_sign_in`), sign-up
(`auth.signup`) and the account lifecycle (`auth.accounts`) live in their own modules; `AuthService` hands those
calls on, adding the rate limits of anonymous callers.

Login limits count failures only, so nobody locks an owner out by guessing: per client IP, per email *and* IP, and
per email from any IP (a distributed guesser), which still lets in an IP that signed in to this email before.
"""

from __future__ import annotations

import asyncio

from promptsaas.application.admin import AdminService
from promptsaas.application.auth.accounts import AccountService
from promptsaas.application.auth.api_keys import ApiKeyService
from promptsaas.application.auth.oauth_sign_in import OAuthSignIn
from promptsaas.application.auth.passwords import check_password_strength
from promptsaas.application.auth.rate_limits import AuthRateLimits
from promptsaas.application.auth.sessions import SessionService, TokenPair
from promptsaas.application.auth.signup import SignUpService
from promptsaas.application.paging import Page, PageRequest
from promptsaas.application.ports.rate_limit import RateLimiter
from promptsaas.application.ports.security import PasswordHasher
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.read_cache import ReadCache
from promptsaas.domain.credentials import ApiKey
from promptsaas.domain.errors import EmailVerificationRequired, InvalidCredentials, InvalidInput, RateLimited
from promptsaas.domain.tenants import SignupMode, Tenant, check_tenant_active
from promptsaas.domain.users import Role, User, normalize_email


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
        accounts: AccountService | None = None,
        signup: SignUpService | None = None,
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
        self._accounts = accounts
        self._signup = signup

    @property
    def accounts(self) -> AccountService:
        if self._accounts is None:
            raise RuntimeError("this AuthService was built without the account lifecycle")
        return self._accounts

    @property
    def signup(self) -> SignUpService:
        if self._signup is None:
            raise RuntimeError("this AuthService was built without sign-up")
        return self._signup

    async def sign_up(
        self,
        tenant_id: str,
        email: str,
        password: str,
        *,
        display_name: str = "",
        invite: str | None = None,
        ip: str | None = None,
    ) -> None:
        """Self-service sign-up under the tenant's mode; the same answer whether the address has an account."""
        await self._limit_requests("register", tenant_id, email, ip)
        await self.signup.sign_up(tenant_id, email, password, display_name=display_name, invite=invite)

    async def forgot_password(self, tenant_id: str, email: str, *, ip: str | None = None) -> None:
        await self._limit_requests("forgot", tenant_id, email, ip)
        await self.accounts.forgot_password(tenant_id, email)

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
            await self._limit_requests("register", tenant_id, email, ip)
        await self._admit(tenant_id)
        check_password_strength(password)
        password_hash = await asyncio.to_thread(self._hasher.hash, password)
        return await self._admin.create_user(
            tenant_id, email, display_name=display_name, role=role, password_hash=password_hash
        )

    async def login(self, tenant_id: str, email: str, password: str, *, ip: str | None = None) -> TokenPair:
        """Tokens for a right password; `RateLimited` once a limit of failures is reached (see the module)."""
        limits, window = self._limits, self._limits.window_seconds
        email_key, client = _email_key(tenant_id, email), ip or "-"
        failures = [(f"login:email-ip:{email_key}:{client}", limits.login_per_email)]
        if ip is not None:
            failures.append((f"login:ip:{ip}", limits.login_per_ip))
        known = (f"login:known:{email_key}:{client}", 1, limits.known_ip_days * 86400)
        waits = [await self._limiter.blocked(key, limit, window) for key, limit in failures]
        any_ip = (f"login:email:{email_key}", limits.login_per_email_any_ip)
        crowd = await self._limiter.blocked(*any_ip, window)
        if crowd is not None and await self._limiter.blocked(*known) is None:
            waits.append(crowd)
        if any(w is not None for w in waits):
            raise RateLimited(max(w for w in waits if w is not None))
        try:
            user = await self.verify_password(tenant_id, email, password)
        except InvalidCredentials:
            for key, limit in [*failures, any_ip]:
                await self._limiter.hit(key, limit, window)
            raise
        tenant = await self._admit(tenant_id)
        if tenant.signup_mode is SignupMode.VERIFIED and user.email and not user.email_verified:
            raise EmailVerificationRequired()
        await self._limiter.hit(*known)
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

    async def api_keys_page(self, tenant_id: str, user_id: str, page: PageRequest) -> Page[ApiKey]:
        return await self.keys.api_keys_page(tenant_id, user_id, page)

    async def revoke_api_key(self, tenant_id: str, user_id: str, key_id: str) -> None:
        await self.keys.revoke_api_key(tenant_id, user_id, key_id)

    async def authenticate_api_key(self, key: str) -> User:
        user = await self.keys.authenticate_api_key(key)
        await self._admit(user.tenant_id)
        return user

    async def _admit(self, tenant_id: str) -> Tenant:
        """`TenantSuspended` unless the tenant is active (read through the cache: this runs on every request)."""
        tenant = await self._cache.get(tenant_id, "tenant", lambda: self._tenant(tenant_id))
        check_tenant_active(tenant)
        assert tenant is not None
        return tenant

    async def _limit_requests(self, scope: str, tenant_id: str, email: str, ip: str | None) -> None:
        """Count one sign-up or reset request per client IP and per email (`RateLimited` past either limit)."""
        limits = self._limits
        await self._limit(
            (f"{scope}:ip", ip, limits.register_per_ip),
            (f"{scope}:email", _email_key(tenant_id, email), limits.register_per_email),
        )

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
    """The limits' key for an address: its normalised form, so look-alike spellings share one budget."""
    try:
        email = normalize_email(email)
    except InvalidInput:
        email = email.strip().lower()
    return f"{tenant_id}:{email}"
