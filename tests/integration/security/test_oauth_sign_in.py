"""OAuth sign-in end to end on the container: real ID-token verification, in-memory persistence."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from promptsaas.application.auth.service import AuthService
from promptsaas.domain.errors import InvalidCredentials, InvalidInput, InvalidToken, RefreshTokenReused
from promptsaas.domain.users import IdentityProvider, UserStatus
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform
from tests.support.jwks_stub import JwksStub

GOOGLE_CLIENT = "web.apps.googleusercontent.com"
APPLE_CLIENT = "dev.promptsaas.app"


@pytest.fixture
def stub() -> Iterator[JwksStub]:
    with JwksStub() as stub:
        stub.add_key("k1")
        yield stub


@pytest.fixture
async def platform(stub: JwksStub) -> AsyncIterator[AsyncPlatform]:
    settings = Settings(
        database_url="memory://",
        password_memory_kib=1024,
        password_time_cost=1,
        secret_key="t" * 40,
        google_client_ids=(GOOGLE_CLIENT,),
        google_jwks_url=stub.url,
        apple_client_ids=(APPLE_CLIENT,),
        apple_jwks_url=stub.url,
    )
    async with AsyncPlatform.in_memory(settings) as platform:
        yield platform


@pytest.fixture
async def tenant_id(platform: AsyncPlatform) -> str:
    return await (await platform.create_tenant("acme")).id()


@pytest.fixture
def auth(platform: AsyncPlatform) -> AuthService:
    return platform.container.auth()


def google_token(stub: JwksStub, **overrides: Any) -> str:
    claims = {
        "iss": "https://accounts.google.com",
        "aud": GOOGLE_CLIENT,
        "sub": "g-1045",
        "email": "Ann@Example.com",
        "email_verified": True,
        "name": "Ann Example",
    }
    return stub.sign({k: v for k, v in {**claims, **overrides}.items() if v is not None}, "k1")


async def test_the_first_sign_in_creates_the_user_and_the_next_finds_it(
    stub: JwksStub, auth: AuthService, tenant_id: str, platform: AsyncPlatform
) -> None:
    first = await auth.oauth_sign_in(tenant_id, "google", google_token(stub), None)
    again = await auth.oauth_sign_in(tenant_id, "google", google_token(stub, email="new@example.com"), None)

    user = await auth.authenticate(first.access_token)
    assert (user.email, user.display_name, user.password_hash) == ("ann@example.com", "Ann Example", None)
    assert (await auth.authenticate(again.access_token)).id == user.id
    assert [u.id for u in await platform.container.admin().users(tenant_id)] == [user.id]
    async with platform.container.uow()() as uow:
        identities = await uow.identities.list_for_user(tenant_id, user.id)
    assert [(i.provider, i.subject) for i in identities] == [(IdentityProvider.GOOGLE, "g-1045")]


async def test_a_verified_email_links_to_the_existing_verified_account(
    stub: JwksStub, auth: AuthService, tenant_id: str, platform: AsyncPlatform
) -> None:
    ann = await auth.register(tenant_id, "ann@example.com", "correct horse battery")
    async with platform.container.uow()() as uow:
        ann.email_verified_at = platform.container.clock().now()
        await uow.users.update(ann)
        await uow.commit()

    pair = await auth.oauth_sign_in(tenant_id, "google", google_token(stub), None)

    assert (await auth.authenticate(pair.access_token)).id == ann.id
    assert (await auth.verify_password(tenant_id, "ann@example.com", "correct horse battery")).id == ann.id


async def test_an_unverified_email_never_takes_over_an_existing_account(
    stub: JwksStub, auth: AuthService, tenant_id: str, platform: AsyncPlatform
) -> None:
    ann = await auth.register(tenant_id, "ann@example.com", "correct horse battery")

    with pytest.raises(InvalidToken) as raised:
        await auth.oauth_sign_in(tenant_id, "google", google_token(stub, email_verified=False), None)

    assert raised.value.code == "email_not_verified"
    async with platform.container.uow()() as uow:
        assert await uow.identities.get(tenant_id, IdentityProvider.GOOGLE, "g-1045") is None
        assert [i.provider for i in await uow.identities.list_for_user(tenant_id, ann.id)] == ["password"]


async def test_an_unverified_email_does_not_claim_the_address_for_a_new_user(
    stub: JwksStub, auth: AuthService, tenant_id: str
) -> None:
    pair = await auth.oauth_sign_in(tenant_id, "google", google_token(stub, email_verified=False), None)

    assert (await auth.authenticate(pair.access_token)).email is None
    assert (await auth.register(tenant_id, "ann@example.com", "correct horse battery")).email == "ann@example.com"


async def test_apple_sign_in_needs_the_nonce(stub: JwksStub, auth: AuthService, tenant_id: str) -> None:
    token = stub.sign({"iss": "https://appleid.apple.com", "aud": APPLE_CLIENT, "sub": "a-1", "nonce": "n-1"}, "k1")

    with pytest.raises(InvalidToken):
        await auth.oauth_sign_in(tenant_id, "apple", token, None)
    pair = await auth.oauth_sign_in(tenant_id, "apple", token, "n-1")

    assert (await auth.authenticate(pair.access_token)).email is None


async def test_a_token_for_another_app_creates_nobody(
    stub: JwksStub, auth: AuthService, tenant_id: str, platform: AsyncPlatform
) -> None:
    with pytest.raises(InvalidToken):
        await auth.oauth_sign_in(tenant_id, "google", google_token(stub, aud="another-app"), None)

    assert await platform.container.admin().users(tenant_id) == []


async def test_a_disabled_user_cannot_sign_in_with_a_provider(
    stub: JwksStub, auth: AuthService, tenant_id: str, platform: AsyncPlatform
) -> None:
    pair = await auth.oauth_sign_in(tenant_id, "google", google_token(stub), None)
    user = await auth.authenticate(pair.access_token)
    await platform.container.admin().update_user(tenant_id, user.id, status=UserStatus.DISABLED)

    with pytest.raises(InvalidToken):
        await auth.oauth_sign_in(tenant_id, "google", google_token(stub), None)


async def test_an_unknown_provider_is_invalid_input(stub: JwksStub, auth: AuthService, tenant_id: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        await auth.oauth_sign_in(tenant_id, "password", google_token(stub), None)

    assert raised.value.field == "provider"


async def test_the_same_provider_account_is_a_different_user_in_each_tenant(
    stub: JwksStub, auth: AuthService, tenant_id: str, platform: AsyncPlatform
) -> None:
    globex = await (await platform.create_tenant("globex")).id()

    acme_user = await auth.authenticate(
        (await auth.oauth_sign_in(tenant_id, "google", google_token(stub), None)).access_token
    )
    globex_user = await auth.authenticate(
        (await auth.oauth_sign_in(globex, "google", google_token(stub), None)).access_token
    )

    assert acme_user.id != globex_user.id
    assert (acme_user.tenant_id, globex_user.tenant_id) == (tenant_id, globex)


async def test_a_pre_registered_unverified_account_keeps_nothing_once_the_owner_signs_in_with_google(
    stub: JwksStub, auth: AuthService, tenant_id: str, platform: AsyncPlatform
) -> None:
    await auth.register(tenant_id, "ann@example.com", "attacker-pa55word", ip="203.0.113.66")
    squatter = await auth.login(tenant_id, "ann@example.com", "attacker-pa55word", ip="203.0.113.66")
    user = await auth.authenticate(squatter.access_token)
    _, key = await auth.create_api_key(tenant_id, user.id, "squatter")

    owner = await auth.oauth_sign_in(tenant_id, "google", google_token(stub), None)

    assert (await auth.authenticate(owner.access_token)).id == user.id
    with pytest.raises(InvalidCredentials):
        await auth.login(tenant_id, "ann@example.com", "attacker-pa55word", ip="203.0.113.66")
    with pytest.raises(InvalidToken):
        await auth.authenticate(squatter.access_token)
    with pytest.raises(RefreshTokenReused):
        await auth.refresh(squatter.refresh_token)
    with pytest.raises(InvalidToken):
        await auth.authenticate_api_key(key)
    assert (await platform.container.admin().user(tenant_id, "ann@example.com")).email_verified
