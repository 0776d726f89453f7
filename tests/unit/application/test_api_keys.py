"""API keys: shown once, stored as a hash with a visible prefix, named, revocable, last use recorded."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fakes import FakeClock

from promptsaas.application.auth.service import AuthService
from promptsaas.domain.credentials import ApiKey, hash_secret
from promptsaas.domain.errors import InvalidInput, InvalidToken, NotFound
from promptsaas.domain.users import User, UserStatus
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url="memory://", password_memory_kib=1024, password_time_cost=1, secret_key="u" * 40)


@pytest.fixture
def auth(platform: AsyncPlatform) -> AuthService:
    return platform.container.auth()


@pytest.fixture
async def ann(tenant: AsyncTenant) -> User:
    return await _user(tenant, "ann")


async def _user(tenant: AsyncTenant, name: str) -> User:
    return next(u for u in await tenant.users() if u.email == f"{name}@example.com")


@pytest.fixture
async def bob(tenant: AsyncTenant) -> User:
    return await _user(tenant, "bob")


def stored_keys(platform: AsyncPlatform) -> list[ApiKey]:
    return list(platform.container.store().api_keys.rows.values())


async def test_a_new_key_is_psk_and_43_base62_characters_shown_once(
    auth: AuthService, ann: User, platform: AsyncPlatform
) -> None:
    key, plaintext = await auth.create_api_key(ann.tenant_id, ann.id, "  CI pipeline ")

    assert re.fullmatch(r"psk_[0-9A-Za-z]{43}", plaintext)
    assert (key.name, key.prefix, key.user_id) == ("CI pipeline", plaintext[4:12], ann.id)
    assert (key.last_used_at, key.revoked_at) == (None, None)
    assert key.key_hash == hash_secret(plaintext)
    assert plaintext not in repr(platform.container.store())
    assert plaintext[12:] not in repr(await auth.api_keys(ann.tenant_id, ann.id))


async def test_every_key_is_different(auth: AuthService, ann: User) -> None:
    made = [await auth.create_api_key(ann.tenant_id, ann.id, f"key {n}") for n in range(20)]

    assert len({plaintext for _, plaintext in made}) == 20
    assert {k.name for k in await auth.api_keys(ann.tenant_id, ann.id)} == {f"key {n}" for n in range(20)}


async def test_a_key_acts_for_its_user_and_records_its_last_use(
    auth: AuthService, ann: User, clock: FakeClock, platform: AsyncPlatform
) -> None:
    _, plaintext = await auth.create_api_key(ann.tenant_id, ann.id, "ci")

    user = await auth.authenticate_api_key(plaintext)

    assert user.id == ann.id
    (listed,) = await auth.api_keys(ann.tenant_id, ann.id)
    assert listed.last_used_at == clock.now()
    clock.advance(timedelta(seconds=30))
    await auth.authenticate_api_key(plaintext)
    assert stored_keys(platform)[0].last_used_at == clock.now() - timedelta(seconds=30)
    clock.advance(timedelta(minutes=1))
    await auth.authenticate_api_key(plaintext)
    assert stored_keys(platform)[0].last_used_at == clock.now()


async def test_a_revoked_key_stops_working_at_once_and_stays_listed(auth: AuthService, ann: User) -> None:
    key, plaintext = await auth.create_api_key(ann.tenant_id, ann.id, "ci")
    for _ in range(2):  # the second use is answered from the read cache
        assert (await auth.authenticate_api_key(plaintext)).id == ann.id

    await auth.revoke_api_key(ann.tenant_id, ann.id, key.id)
    await auth.revoke_api_key(ann.tenant_id, ann.id, key.id)

    with pytest.raises(InvalidToken) as raised:
        await auth.authenticate_api_key(plaintext)
    assert raised.value.code == "invalid_token"
    (listed,) = await auth.api_keys(ann.tenant_id, ann.id)
    assert listed.revoked_at is not None


async def test_nobody_can_list_or_revoke_another_users_key(auth: AuthService, ann: User, bob: User) -> None:
    key, plaintext = await auth.create_api_key(ann.tenant_id, ann.id, "ci")

    with pytest.raises(NotFound) as raised:
        await auth.revoke_api_key(bob.tenant_id, bob.id, key.id)

    assert raised.value.code == "api_key_not_found"
    assert await auth.api_keys(bob.tenant_id, bob.id) == []
    assert (await auth.authenticate_api_key(plaintext)).id == ann.id


async def test_another_tenant_cannot_revoke_the_key(auth: AuthService, ann: User, platform: AsyncPlatform) -> None:
    key, plaintext = await auth.create_api_key(ann.tenant_id, ann.id, "ci")
    globex = await platform.create_tenant("globex")
    mallory = await globex.create_user("mallory@example.com")

    with pytest.raises(NotFound):
        await auth.revoke_api_key(mallory.tenant_id, ann.id, key.id)

    assert (await auth.authenticate_api_key(plaintext)).tenant_id == ann.tenant_id


@pytest.mark.parametrize(
    "presented",
    ["", "psk_", "psk_short", "psk_" + "A" * 43, "PSK_" + "A" * 43, "psk_" + "A" * 42 + "-", "' OR '1'='1"],
)
async def test_a_malformed_or_unknown_key_is_invalid(auth: AuthService, ann: User, presented: str) -> None:
    await auth.create_api_key(ann.tenant_id, ann.id, "ci")

    with pytest.raises(InvalidToken):
        await auth.authenticate_api_key(presented)


async def test_a_disabled_users_keys_stop_working_at_once(
    auth: AuthService, ann: User, platform: AsyncPlatform
) -> None:
    _, plaintext = await auth.create_api_key(ann.tenant_id, ann.id, "ci")
    for _ in range(2):
        assert (await auth.authenticate_api_key(plaintext)).id == ann.id

    await platform.container.admin().update_user(ann.tenant_id, ann.id, status=UserStatus.DISABLED)

    with pytest.raises(InvalidToken):
        await auth.authenticate_api_key(plaintext)


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
async def test_a_key_needs_a_name(auth: AuthService, ann: User, name: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        await auth.create_api_key(ann.tenant_id, ann.id, name)

    assert raised.value.field == "name"


async def test_creating_and_revoking_are_audited_without_the_key(
    auth: AuthService, ann: User, platform: AsyncPlatform
) -> None:
    key, plaintext = await auth.create_api_key(ann.tenant_id, ann.id, "ci")
    await auth.revoke_api_key(ann.tenant_id, ann.id, key.id)

    entries = await platform.container.admin().audit_log(ann.tenant_id)

    assert [(e.action, e.actor, e.target) for e in entries[:2]] == [
        ("api_key.revoke", "ann@example.com", key.id),
        ("api_key.create", "ann@example.com", key.id),
    ]
    assert plaintext not in repr(entries)
    assert plaintext[12:] not in repr(entries)
