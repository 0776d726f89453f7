"""Registration and passwords, tenants and users, and tenant isolation."""

from __future__ import annotations

import pytest
from fakes import agent, small_catalog

from promptsaas.adapters.security.passwords import Argon2PasswordHasher
from promptsaas.domain.errors import AlreadyExists, InvalidCredentials, InvalidInput, NotFound
from promptsaas.domain.users import UserStatus
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

PASSWORD = "correct horse battery"


async def test_a_registered_user_signs_in_with_the_password(tenant: AsyncTenant) -> None:
    created = await tenant.create_user("cat@example.com", password=PASSWORD, display_name="Cat")

    signed_in = await tenant.verify_password("cat@example.com", PASSWORD)

    assert signed_in.id == created.id
    assert signed_in.display_name == "Cat"
    assert created.password_hash is not None
    assert PASSWORD not in created.password_hash


@pytest.mark.parametrize(
    ("email", "password"),
    [("nobody@example.com", PASSWORD), ("cat@example.com", "wrong password"), ("not an email", PASSWORD)],
)
async def test_unknown_email_and_wrong_password_fail_alike(tenant: AsyncTenant, email: str, password: str) -> None:
    await tenant.create_user("cat@example.com", password=PASSWORD)

    with pytest.raises(InvalidCredentials) as raised:
        await tenant.verify_password(email, password)

    assert (raised.value.code, raised.value.message) == ("invalid_credentials", "email or password is wrong")


async def test_a_user_without_a_password_cannot_sign_in_with_one(tenant: AsyncTenant) -> None:
    with pytest.raises(InvalidCredentials):
        await tenant.verify_password("ann@example.com", PASSWORD)


async def test_a_disabled_user_cannot_sign_in(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    cat = await tenant.create_user("cat@example.com", password=PASSWORD)

    await platform.container.admin().update_user(await tenant.id(), cat.id, status=UserStatus.DISABLED)

    with pytest.raises(InvalidCredentials):
        await tenant.verify_password("cat@example.com", PASSWORD)


async def test_emails_are_case_normalized(tenant: AsyncTenant) -> None:
    created = await tenant.create_user("  Cat@Example.COM ", password=PASSWORD)

    assert created.email == "cat@example.com"
    assert (await tenant.verify_password("CAT@example.com", PASSWORD)).id == created.id
    with pytest.raises(AlreadyExists) as raised:
        await tenant.create_user("cat@EXAMPLE.com", password=PASSWORD)
    assert raised.value.code == "user_exists"


async def test_a_duplicate_email_is_refused(tenant: AsyncTenant) -> None:
    with pytest.raises(AlreadyExists) as raised:
        await tenant.create_user("ann@example.com", password=PASSWORD)

    assert raised.value.code == "user_exists"
    assert [u.email for u in await tenant.users()].count("ann@example.com") == 1


@pytest.mark.parametrize("password", ["short", "", "x" * 1025])
async def test_a_weak_password_is_refused(tenant: AsyncTenant, password: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        await tenant.create_user("cat@example.com", password=password)

    assert (raised.value.code, raised.value.field) == ("weak_password", "password")
    assert "cat@example.com" not in [u.email for u in await tenant.users()]


@pytest.mark.parametrize("slug", ["Acme", "acme inc", "-acme", "", "a" * 64, "acme_inc"])
async def test_a_tenant_slug_must_be_lowercase_letters_digits_and_dashes(platform: AsyncPlatform, slug: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        await platform.create_tenant(slug)

    assert raised.value.field == "slug"
    assert await platform.tenants() == []


async def test_a_duplicate_tenant_is_refused(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    with pytest.raises(AlreadyExists) as raised:
        await platform.create_tenant("acme", name="Another Acme")

    assert raised.value.code == "tenant_exists"
    assert [t.name for t in await platform.tenants()] == ["Acme Inc."]


async def test_a_hash_with_weaker_parameters_is_upgraded_on_sign_in(
    platform: AsyncPlatform, tenant: AsyncTenant
) -> None:
    weak = Argon2PasswordHasher(memory_kib=256, time_cost=1).hash(PASSWORD)
    cat = await tenant.create_user("cat@example.com", password=PASSWORD)
    async with platform.container.uow()() as uow:
        cat.password_hash = weak
        await uow.users.update(cat)
        await uow.commit()

    upgraded = await tenant.verify_password("cat@example.com", PASSWORD)

    assert upgraded.password_hash != weak
    assert upgraded.password_hash is not None
    assert upgraded.password_hash.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    stored = next(u for u in await tenant.users() if u.id == cat.id)
    assert stored.password_hash == upgraded.password_hash
    assert (await tenant.verify_password("cat@example.com", PASSWORD)).password_hash == stored.password_hash


async def test_the_default_hasher_uses_owasp_parameters() -> None:
    async with AsyncPlatform.in_memory() as platform:
        hashed = platform.container.hasher().hash(PASSWORD)

    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert Settings().password_memory_kib == 19 * 1024
    assert Settings().password_time_cost == 2


@pytest.fixture
async def globex(platform: AsyncPlatform, tenant: AsyncTenant) -> AsyncTenant:
    """A second tenant with its own agent and its own member, cat."""
    globex = await platform.create_tenant("globex")
    await globex.apply_catalog(small_catalog(agents=[agent("secret")]))
    await globex.create_user("cat@example.com", password=PASSWORD)
    return globex


async def test_a_user_of_one_tenant_does_not_exist_in_another(tenant: AsyncTenant, globex: AsyncTenant) -> None:
    await tenant.create_user("dan@example.com", password=PASSWORD)

    with pytest.raises(InvalidCredentials):
        await globex.verify_password("dan@example.com", PASSWORD)
    with pytest.raises(NotFound) as raised:
        await globex.chat("dan@example.com", "secret", "Hello")
    assert raised.value.code == "user_not_found"
    assert "dan@example.com" not in [u.email for u in await globex.users()]


async def test_another_tenants_agent_is_not_found(tenant: AsyncTenant, globex: AsyncTenant) -> None:
    assert (await globex.chat("cat@example.com", "secret", "Hello")).text

    with pytest.raises(NotFound) as raised:
        await tenant.chat("ann@example.com", "secret", "Hello")

    assert raised.value.code == "agent_not_found"


async def test_the_same_email_is_a_different_user_in_each_tenant(tenant: AsyncTenant, globex: AsyncTenant) -> None:
    await tenant.create_user("cat@example.com", password="another password")

    assert (await tenant.verify_password("cat@example.com", "another password")).tenant_id == await tenant.id()
    assert (await globex.verify_password("cat@example.com", PASSWORD)).tenant_id == await globex.id()
    with pytest.raises(InvalidCredentials):
        await globex.verify_password("cat@example.com", "another password")


async def test_another_tenants_conversation_is_not_found(tenant: AsyncTenant, globex: AsyncTenant) -> None:
    reply = await tenant.chat("ann@example.com", "tutor", "Hello")
    await globex.apply_catalog(small_catalog(agents=[agent("tutor")]))

    with pytest.raises(NotFound) as raised:
        await globex.chat("cat@example.com", "tutor", "Hi", conversation_id=reply.conversation_id)

    assert raised.value.code == "conversation_not_found"
