"""Sessions: access tokens, refresh-token rotation, reuse detection and logout."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from dependency_injector import providers
from fakes import FakeClock

from promptsaas.application.auth.service import AuthService
from promptsaas.application.auth.sessions import REFRESH_GRACE, TokenPair
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.credentials import RefreshToken, hash_secret
from promptsaas.domain.errors import InvalidToken, RefreshTokenReused
from promptsaas.domain.users import User, UserStatus
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

PASSWORD = "correct horse battery"


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url="memory://", password_memory_kib=1024, password_time_cost=1, secret_key="u" * 40)


@pytest.fixture
def auth(platform: AsyncPlatform) -> AuthService:
    return platform.container.auth()


@pytest.fixture
async def cat(tenant: AsyncTenant) -> User:
    return await tenant.create_user("cat@example.com", password=PASSWORD)


async def sign_in(auth: AuthService, cat: User) -> TokenPair:
    return await auth.login(cat.tenant_id, "cat@example.com", PASSWORD, ip="203.0.113.7")


async def stored_tokens(platform: AsyncPlatform) -> list[RefreshToken]:
    return list(platform.container.store().refresh_tokens.rows.values())


async def test_login_gives_a_bearer_pair_whose_access_token_names_the_user(auth: AuthService, cat: User) -> None:
    pair = await sign_in(auth, cat)

    assert (pair.token_type, pair.expires_in) == ("bearer", 900)
    assert pair.refresh_token.startswith(f"rt_{cat.tenant_id}_")
    assert (await auth.authenticate(pair.access_token)).id == cat.id


async def test_an_access_token_stops_working_after_fifteen_minutes(
    auth: AuthService, cat: User, clock: FakeClock
) -> None:
    pair = await sign_in(auth, cat)
    clock.advance(timedelta(minutes=15))

    with pytest.raises(InvalidToken) as raised:
        await auth.authenticate(pair.access_token)

    assert raised.value.code == "invalid_token"


async def test_a_refresh_token_is_not_an_access_token(auth: AuthService, cat: User) -> None:
    pair = await sign_in(auth, cat)

    with pytest.raises(InvalidToken):
        await auth.authenticate(pair.refresh_token)
    with pytest.raises(InvalidToken):
        await auth.refresh(pair.access_token)


async def test_refreshing_rotates_both_tokens(auth: AuthService, cat: User, platform: AsyncPlatform) -> None:
    first = await sign_in(auth, cat)

    second = await auth.refresh(first.refresh_token)

    assert second.refresh_token != first.refresh_token
    assert second.access_token != first.access_token
    assert (await auth.authenticate(second.access_token)).id == cat.id
    tokens = await stored_tokens(platform)
    assert len({t.family_id for t in tokens}) == 1
    assert [t.used_at is not None for t in sorted(tokens, key=lambda t: t.created_at)] in ([True, False], [False, True])


async def test_a_refresh_token_reused_after_the_grace_revokes_its_whole_family(
    auth: AuthService, cat: User, clock: FakeClock
) -> None:
    first = await sign_in(auth, cat)
    second = await auth.refresh(first.refresh_token)
    clock.advance(REFRESH_GRACE + timedelta(seconds=1))

    with pytest.raises(RefreshTokenReused) as raised:
        await auth.refresh(first.refresh_token)

    assert raised.value.code == "refresh_token_reused"
    with pytest.raises(RefreshTokenReused):
        await auth.refresh(second.refresh_token)


async def test_reuse_in_one_session_leaves_other_sessions_alone(auth: AuthService, cat: User, clock: FakeClock) -> None:
    phone = await sign_in(auth, cat)
    laptop = await sign_in(auth, cat)
    await auth.refresh(phone.refresh_token)
    clock.advance(REFRESH_GRACE + timedelta(seconds=1))

    with pytest.raises(RefreshTokenReused):
        await auth.refresh(phone.refresh_token)

    assert (await auth.authenticate((await auth.refresh(laptop.refresh_token)).access_token)).id == cat.id


async def test_two_concurrent_refreshes_with_one_token_get_the_same_new_pair(auth: AuthService, cat: User) -> None:
    pair = await sign_in(auth, cat)

    first, second = await asyncio.gather(auth.refresh(pair.refresh_token), auth.refresh(pair.refresh_token))

    assert first == second
    assert (await auth.authenticate(first.access_token)).id == cat.id
    assert (await auth.refresh(first.refresh_token)).refresh_token != first.refresh_token


async def test_a_retry_within_the_grace_gets_the_pair_the_first_refresh_got(
    auth: AuthService, cat: User, clock: FakeClock
) -> None:
    pair = await sign_in(auth, cat)
    rotated = await auth.refresh(pair.refresh_token)
    clock.advance(REFRESH_GRACE - timedelta(seconds=1))

    assert await auth.refresh(pair.refresh_token) == rotated


class RacingUnitOfWork:
    """Delegates to the real unit of work, but yields after every lookup so two refreshes read the token unused."""

    def __init__(self, inner: UnitOfWork) -> None:
        self._inner = inner
        self.refresh_tokens = self

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def __aenter__(self) -> RacingUnitOfWork:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._inner.__aexit__(*exc)

    async def get_by_hash(self, tenant_id: str, token_hash: str) -> RefreshToken | None:
        found = await self._inner.refresh_tokens.get_by_hash(tenant_id, token_hash)
        await asyncio.sleep(0.01)
        return found

    async def mark_used(self, tenant_id: str, token_id: str, at: Any, successor: Any = None) -> bool:
        return await self._inner.refresh_tokens.mark_used(tenant_id, token_id, at, successor)

    async def revoke_family(self, tenant_id: str, family_id: str, at: Any) -> int:
        return await self._inner.refresh_tokens.revoke_family(tenant_id, family_id, at)

    async def add(self, token: RefreshToken) -> None:
        await self._inner.refresh_tokens.add(token)


async def test_when_both_read_the_token_unused_one_wins_the_mark_and_both_get_its_pair(
    platform: AsyncPlatform, cat: User, auth: AuthService
) -> None:
    pair = await sign_in(auth, cat)
    real: UnitOfWorkFactory = platform.container.uow()
    platform.container.uow.override(providers.Object(lambda: RacingUnitOfWork(real())))
    platform.container.sessions.reset()
    racing = platform.container.sessions()

    results = await asyncio.gather(
        racing.refresh(pair.refresh_token), racing.refresh(pair.refresh_token), return_exceptions=True
    )

    assert [type(r).__name__ for r in results] == ["TokenPair", "TokenPair"]
    assert results[0] == results[1]
    assert isinstance(results[0], TokenPair)
    assert (await racing.refresh(results[0].refresh_token)).token_type == "bearer"


async def test_a_refresh_token_expires_after_thirty_days(auth: AuthService, cat: User, clock: FakeClock) -> None:
    pair = await sign_in(auth, cat)
    clock.advance(timedelta(days=30))

    with pytest.raises(InvalidToken, match="expired"):
        await auth.refresh(pair.refresh_token)


async def test_logout_revokes_the_session(auth: AuthService, cat: User) -> None:
    pair = await sign_in(auth, cat)
    rotated = await auth.refresh(pair.refresh_token)

    await auth.logout(rotated.refresh_token)

    with pytest.raises(RefreshTokenReused):
        await auth.refresh(rotated.refresh_token)


@pytest.mark.parametrize("token", ["", "nonsense", "rt_x_" + "A" * 43, "rt_" + "A" * 60, "' OR 1=1 --"])
async def test_logout_of_an_unknown_token_does_nothing(auth: AuthService, cat: User, token: str) -> None:
    pair = await sign_in(auth, cat)

    await auth.logout(token)

    assert (await auth.refresh(pair.refresh_token)).token_type == "bearer"


@pytest.mark.parametrize("change", ["tenant", "secret"])
async def test_a_tampered_refresh_token_is_invalid(auth: AuthService, cat: User, change: str) -> None:
    pair = await sign_in(auth, cat)
    secret = pair.refresh_token[-43:]
    forged = f"rt_other-tenant_{secret}" if change == "tenant" else pair.refresh_token[:-1] + "x"

    with pytest.raises(InvalidToken):
        await auth.refresh(forged)


async def test_a_disabled_user_loses_access_and_refresh(auth: AuthService, cat: User, platform: AsyncPlatform) -> None:
    pair = await sign_in(auth, cat)

    await platform.container.admin().update_user(cat.tenant_id, cat.id, status=UserStatus.DISABLED)

    with pytest.raises(InvalidToken):
        await auth.authenticate(pair.access_token)
    with pytest.raises(InvalidToken):
        await auth.refresh(pair.refresh_token)


async def test_only_a_hash_of_the_refresh_token_is_stored(
    auth: AuthService, cat: User, platform: AsyncPlatform
) -> None:
    pair = await sign_in(auth, cat)

    (stored,) = await stored_tokens(platform)

    assert stored.token_hash == hash_secret(pair.refresh_token)
    assert pair.refresh_token[-43:] not in repr(platform.container.store())
