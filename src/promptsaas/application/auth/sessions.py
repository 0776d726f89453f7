"""Sessions: a short-lived access token plus a refresh token that rotates on every use.

A refresh token is spent once. Presenting a spent one means two parties hold it (one of them a thief), so the whole
family (every token rotated from the same sign-in) is revoked and both must sign in again; except within
`REFRESH_GRACE` of its first use, when it is a client's retry and gets the very pair the first use got. Signing out
everywhere raises the user's token epoch: older access tokens are refused, every refresh token is revoked.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.tokens import TokenIssuer
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.application.read_cache import ReadCache
from promptsaas.domain.credentials import (
    RefreshToken,
    hash_secret,
    open_successor,
    refresh_token_from,
    seal_successor,
    tenant_of_refresh_token,
)
from promptsaas.domain.errors import InvalidToken, RefreshTokenReused
from promptsaas.domain.tenants import check_tenant_active
from promptsaas.domain.users import User

REFRESH_TOKEN_TTL = timedelta(days=30)
REFRESH_GRACE = timedelta(seconds=10)
"""A spent refresh token presented again this soon is a retry (a lost answer, two tabs): it gets the same pair."""


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
        cache: ReadCache | None = None,
        grace: timedelta = REFRESH_GRACE,
    ) -> None:
        self._uow = uow
        self._tokens = tokens
        self._clock = clock
        self._ids = ids
        self._refresh_ttl = refresh_ttl
        self._cache = cache or ReadCache(ttl_seconds=0)
        self._grace = grace

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
        """Spend the refresh token for a new pair; a token spent longer than the grace ago revokes its family
        (`RefreshTokenReused`), one spent within it answers the pair it was rotated into."""
        tenant_id = tenant_of_refresh_token(refresh_token)
        if tenant_id is None:
            raise InvalidToken("not a refresh token")
        digest = hash_secret(refresh_token)
        async with self._uow() as uow:
            stored = await uow.refresh_tokens.get_by_hash(tenant_id, digest)
            if stored is None:
                raise InvalidToken("unknown refresh token")
            now = self._clock.now()
            if stored.was_spent:
                return await self._retried(uow, stored, refresh_token, now)
            if stored.expires_at <= now:
                raise InvalidToken("the refresh token has expired")
            user = await uow.users.get(tenant_id, stored.user_id)
            if user is None or not user.is_active:
                raise InvalidToken("the account is disabled")
            check_tenant_active(await uow.tenants.get(tenant_id))
            pair, successor = self._next_pair(user, stored.family_id, now)
            sealed = seal_successor(refresh_token, _pair_text(pair))
            if not await uow.refresh_tokens.mark_used(tenant_id, stored.id, now, sealed):
                raced = await uow.refresh_tokens.get_by_hash(tenant_id, digest)
                return await self._retried(uow, raced or stored, refresh_token, now)
            await uow.refresh_tokens.add(successor)
            await uow.commit()
        return pair

    async def sign_out_everywhere(self, uow: UnitOfWork, user: User) -> None:
        """Inside the caller's unit of work: raise the user's token epoch and revoke every refresh token."""
        user.token_epoch += 1
        await uow.users.update(user)
        await uow.refresh_tokens.revoke_for_user(user.tenant_id, user.id, self._clock.now())

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
        """The active user an access token stands for, issued in the user's current token epoch; `InvalidToken`
        otherwise. The user is read through the read cache, so the epoch check costs no extra round trip."""
        claims = self._tokens.verify_access(access_token)
        user = await self._cache.get(
            claims.tenant_id, ("principal", claims.user_id), lambda: self._user(claims.tenant_id, claims.user_id)
        )
        if user is None or not user.is_active:
            raise InvalidToken("the account is disabled or no longer exists")
        if claims.epoch != user.token_epoch:
            raise InvalidToken("this session was signed out; please sign in again")
        return user

    async def _user(self, tenant_id: str, user_id: str) -> User | None:
        async with self._uow() as uow:
            return await uow.users.get(tenant_id, user_id)

    async def _issue(self, uow: UnitOfWork, user: User, *, family_id: str, now: datetime) -> TokenPair:
        pair, token = self._next_pair(user, family_id, now)
        await uow.refresh_tokens.add(token)
        return pair

    def _next_pair(self, user: User, family_id: str, now: datetime) -> tuple[TokenPair, RefreshToken]:
        access, expires_in = self._tokens.issue_access(user)
        refresh = refresh_token_from(user.tenant_id, secrets.token_urlsafe(32))
        token = RefreshToken(
            self._ids.new_id(), user.tenant_id, user.id, family_id, hash_secret(refresh), now, now + self._refresh_ttl
        )
        return TokenPair(access, refresh, expires_in), token

    async def _retried(self, uow: UnitOfWork, stored: RefreshToken, presented: str, now: datetime) -> TokenPair:
        """The pair a token spent within the grace was rotated into; otherwise the family dies (`_reject_reuse`)."""
        fresh = stored.used_at is not None and now - stored.used_at <= self._grace
        if stored.revoked_at is None and fresh and stored.successor is not None:
            access, refresh, expires_in = open_successor(presented, stored.successor).split("\n")
            return TokenPair(access, refresh, int(expires_in))
        await self._reject_reuse(uow, stored, now)

    async def _reject_reuse(self, uow: UnitOfWork, stored: RefreshToken, now: datetime) -> NoReturn:
        await uow.refresh_tokens.revoke_family(stored.tenant_id, stored.family_id, now)
        await uow.commit()
        raise RefreshTokenReused()


def _pair_text(pair: TokenPair) -> str:
    return f"{pair.access_token}\n{pair.refresh_token}\n{pair.expires_in}"
