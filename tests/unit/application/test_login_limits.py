"""Login and register: rate-limited per IP and per email, and no hint whether an email exists. Login limits count
failures only, so guessing someone's password never locks its owner out."""

from __future__ import annotations

import pytest
from dependency_injector import providers

from promptsaas.adapters.security.passwords import Argon2PasswordHasher
from promptsaas.application.auth.rate_limits import AuthRateLimits
from promptsaas.application.auth.service import AuthService
from promptsaas.domain.errors import InvalidCredentials, RateLimited
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

PASSWORD = "correct horse battery"
LIMITS = AuthRateLimits(
    login_per_ip=5,
    login_per_email=3,
    register_per_ip=2,
    register_per_email=2,
    window_seconds=60,
    login_per_email_any_ip=6,
)


@pytest.fixture
def settings() -> Settings:
    return Settings(
        database_url="memory://",
        password_memory_kib=1024,
        password_time_cost=1,
        secret_key="u" * 40,
        auth_rate_limits=LIMITS,
    )


@pytest.fixture
def auth(platform: AsyncPlatform) -> AuthService:
    return platform.container.auth()


@pytest.fixture
async def tenant_id(tenant: AsyncTenant) -> str:
    await tenant.create_user("cat@example.com", password=PASSWORD)
    return await tenant.id()


async def test_unknown_email_and_wrong_password_give_the_same_error(auth: AuthService, tenant_id: str) -> None:
    errors = []
    for email, password in [("nobody@example.com", PASSWORD), ("cat@example.com", "wrong password")]:
        with pytest.raises(InvalidCredentials) as raised:
            await auth.login(tenant_id, email, password, ip=f"198.51.100.{len(errors)}")
        errors.append((raised.value.code, raised.value.message))

    assert errors[0] == errors[1] == ("invalid_credentials", "email or password is wrong")


async def test_guesses_from_elsewhere_do_not_lock_the_owner_out(auth: AuthService, tenant_id: str) -> None:
    for n in range(3):
        with pytest.raises(InvalidCredentials):
            await auth.login(tenant_id, "cat@example.com", "guess", ip=f"198.51.100.{n}")

    assert (await auth.login(tenant_id, "CAT@example.com", PASSWORD, ip="198.51.100.99")).token_type == "bearer"


async def test_right_passwords_are_not_counted_against_the_limit(auth: AuthService, tenant_id: str) -> None:
    for _ in range(LIMITS.login_per_email + LIMITS.login_per_ip):
        assert (await auth.login(tenant_id, "cat@example.com", PASSWORD, ip="198.51.100.1")).token_type == "bearer"


async def test_login_is_limited_per_email_and_ip(auth: AuthService, tenant_id: str) -> None:
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            await auth.login(tenant_id, "cat@example.com", "guess", ip="198.51.100.7")

    with pytest.raises(RateLimited) as raised:
        await auth.login(tenant_id, "ca\u200bt@example.com", PASSWORD, ip="198.51.100.7")

    assert raised.value.code == "rate_limited"
    assert 0 < raised.value.retry_after <= 60
    assert (await auth.login(tenant_id, "cat@example.com", PASSWORD, ip="198.51.100.8")).token_type == "bearer"


async def test_a_guesser_spread_over_many_ips_is_stopped_but_the_owners_known_ip_gets_in(
    auth: AuthService, tenant_id: str
) -> None:
    await auth.login(tenant_id, "cat@example.com", PASSWORD, ip="192.0.2.200")
    for n in range(LIMITS.login_per_email_any_ip):
        with pytest.raises(InvalidCredentials):
            await auth.login(tenant_id, "cat@example.com", "guess", ip=f"198.51.100.{n}")

    with pytest.raises(RateLimited):
        await auth.login(tenant_id, "cat@example.com", PASSWORD, ip="198.51.100.250")
    assert (await auth.login(tenant_id, "cat@example.com", PASSWORD, ip="192.0.2.200")).token_type == "bearer"


async def test_login_is_limited_per_ip_whatever_the_email(auth: AuthService, tenant_id: str) -> None:
    for n in range(5):
        with pytest.raises(InvalidCredentials):
            await auth.login(tenant_id, f"user{n}@example.com", "guess", ip="203.0.113.9")

    with pytest.raises(RateLimited):
        await auth.login(tenant_id, "cat@example.com", PASSWORD, ip="203.0.113.9")
    assert (await auth.login(tenant_id, "cat@example.com", PASSWORD, ip="203.0.113.10")).token_type == "bearer"


async def test_one_tenants_email_limit_does_not_lock_another_tenant(
    auth: AuthService, tenant_id: str, platform: AsyncPlatform
) -> None:
    globex = await platform.create_tenant("globex")
    await globex.create_user("cat@example.com", password=PASSWORD)
    for n in range(3):
        with pytest.raises(InvalidCredentials):
            await auth.login(tenant_id, "cat@example.com", "guess", ip=f"198.51.100.{n}")

    pair = await auth.login(await globex.id(), "cat@example.com", PASSWORD, ip="198.51.100.50")

    assert pair.token_type == "bearer"


async def test_register_is_limited_per_ip(auth: AuthService, tenant_id: str) -> None:
    for n in range(2):
        await auth.register(tenant_id, f"new{n}@example.com", PASSWORD, ip="192.0.2.1")

    with pytest.raises(RateLimited):
        await auth.register(tenant_id, "new2@example.com", PASSWORD, ip="192.0.2.1")
    assert (await auth.register(tenant_id, "new2@example.com", PASSWORD, ip="192.0.2.2")).email == "new2@example.com"


async def test_register_from_a_trusted_caller_is_not_limited(auth: AuthService, tenant_id: str) -> None:
    for n in range(5):
        await auth.register(tenant_id, f"bulk{n}@example.com", PASSWORD)


class CountingHasher(Argon2PasswordHasher):
    def __init__(self) -> None:
        super().__init__(memory_kib=1024, time_cost=1)
        self.verified = 0

    def verify(self, stored_hash: str, password: str) -> bool:
        self.verified += 1
        return super().verify(stored_hash, password)


@pytest.mark.parametrize("email", ["nobody@example.com", "cat@example.com", "not an email"])
async def test_every_failed_login_costs_one_password_hash_check(
    platform: AsyncPlatform, tenant_id: str, email: str
) -> None:
    hasher = CountingHasher()
    platform.container.hasher.override(providers.Object(hasher))
    platform.container.auth.reset()
    await platform.container.auth().verify_password(tenant_id, "cat@example.com", PASSWORD)
    hasher.verified = 0

    with pytest.raises(InvalidCredentials):
        await platform.container.auth().login(tenant_id, email, "wrong password", ip="192.0.2.7")

    assert hasher.verified == (0 if email == "not an email" else 1)
