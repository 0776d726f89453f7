"""Sessions: a short-lived access token plus a refresh token that rotates on every use.

A refresh token is spent once. Presenting a spent one means two parties hold it (one of them a thief), so the whole
family (every token rotated from the same sign-in) is revoked and both must sign in again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.tokens import TokenIssuer
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.credentials import RefreshToken, hash_secret, refresh_token_from, tenant_of_refresh_token
from promptsaas.domain.errors import InvalidToken, RefreshTokenReused
from promptsaas.domain.tenants import check_tenant_active
from promptsaas.domain.users import User

REFRESH_TOKEN_TTL = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    """Seconds the access token lives."""
    token_type: str = "bearer"


class SessionService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        tokens: TokenIssuer,
        clock: Clock,
        ids: IdGenerator,
        refresh_ttl: timedelta = REFRESH_TOKEN_TTL,
    ) -> None:
        self._uow = uow
        self._tokens = tokens
        self._clock = clock
        self._ids = ids
        self._refresh_ttl = refresh_ttl

    async def issue_tokens(self, user: User) -> TokenPair:
        """Start a new session (a new refresh token family) for a user who just proved who they are."""
        async with self._uow() as uow:
            pair = await self.start(uow, user)
            await uow.commit()
        return pair

    async def start(self, uow: UnitOfWork, user: User) -> TokenPair:
        """Start a new session inside the caller's unit of work."""
        return await self._issue(uow, user, family_id=self._ids.new_id(), now=self._clock.now())

    async def refresh(self, refresh_token: str) -> TokenPair:
        """Spend the refresh token for a new pair; a spent or raced token revokes its family (`RefreshTokenReused`)."""
        tenant_id = tenant_of_refresh_token(refresh_token)
        if tenant_id is None:
            raise InvalidToken("not a refresh token")
        async with self._uow() as uow:
            stored = await uow.refresh_tokens.get_by_hash(tenant_id, hash_secret(refresh_token))
            if stored is None:
                raise InvalidToken("unknown refresh token")
            now = self._clock.now()
            if stored.was_spent:
                await self._reject_reuse(uow, stored, now)
            if stored.expires_at <= now:
                raise InvalidToken("the refresh token has expired")
            user = await uow.users.get(tenant_id, stored.user_id)
            if user is None or not user.is_active:
                raise InvalidToken("the account is disabled")
            check_tenant_active(await uow.tenants.get(tenant_id))
            if not await uow.refresh_tokens.mark_used(tenant_id, stored.id, now):
                await self._reject_reuse(uow, stored, now)
            pair = await self._issue(uow, user, family_id=stored.family_id, now=now)
            await uow.commit()
        return pair

    async def logout(self, refresh_token: str) -> None:
        """Revoke the token's family; an unknown or malformed token is silently ignored."""
        tenant_id = tenant_of_refresh_token(refresh_token)
        if tenant_id is None:
            return
        async with self._uow() as uow:
            stored = await uow.refresh_tokens.get_by_hash(tenant_id, hash_secret(refresh_token))
            if stored is not None:
                await uow.refresh_tokens.revoke_family(tenant_id, stored.family_id, self._clock.now())
                await uow.commit()

    async def authenticate(self, access_token: str) -> User:
        """The active user an access token stands for; `InvalidToken` otherwise."""
        claims = self._tokens.verify_access(access_token)
        async with self._uow() as uow:
            user = await uow.users.get(claims.tenant_id, claims.user_id)
        if user is None or not user.is_active:
            raise InvalidToken("the account is disabled or no longer exists")
        return user

    async def _issue(self, uow: UnitOfWork, user: User, *, family_id: str, now: datetime) -> TokenPair:
        access, expires_in = self._tokens.issue_access(user)
        refresh = refresh_token_from(user.tenant_id, secrets.token_urlsafe(32))
        await uow.refresh_tokens.add(
            RefreshToken(
                self._ids.new_id(),
                user.tenant_id,
                user.id,
                family_id,
                hash_secret(refresh),
                now,
                now + self._refresh_ttl,
            )
        )
        return TokenPair(access, refresh, expires_in)

    async def _reject_reuse(self, uow: UnitOfWork, stored: RefreshToken, now: datetime) -> NoReturn:
        await uow.refresh_tokens.revoke_family(stored.tenant_id, stored.family_id, now)
        await uow.commit()
        raise RefreshTokenReused()
