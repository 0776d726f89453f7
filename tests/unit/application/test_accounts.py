"""The account lifecycle a member sees: sign-up that reveals nothing, mailed links that verify, reset and invite,
password changes and signing out everywhere, sign-up modes, and a tenant that always keeps an admin."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from dependency_injector import providers
from fakes import FakeClock

from promptsaas.application.auth.service import AuthService
from promptsaas.application.ports.mail import Mail, Mailer
from promptsaas.domain.errors import (
    EmailVerificationRequired,
    InvalidCredentials,
    InvalidInput,
    InvalidLink,
    InvalidToken,
    LastAdmin,
    RefreshTokenReused,
    SignUpRefused,
)
from promptsaas.domain.users import Role, UserStatus
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

PASSWORD = "correct horse battery"
IP = "198.51.100.4"


class Outbox(Mailer):
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.sent.append(mail)

    def token(self, to: str) -> str:
        """The token of the last link mailed to `to`."""
        mail = next(m for m in reversed(self.sent) if m.to == to)
        found = re.search(r"(?:token|invite)=([\w.%-]+)", mail.text)
        assert found, mail.text
        return found.group(1)


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url="memory://", password_memory_kib=1024, password_time_cost=1, secret_key="a" * 40)


@pytest.fixture
def outbox(platform: AsyncPlatform) -> Outbox:
    outbox = Outbox()
    platform.container.mailer.override(providers.Object(outbox))
    for name in ("account_mail", "accounts", "signup", "auth"):
        getattr(platform.container, name).reset()
    return outbox


@pytest.fixture
def auth(platform: AsyncPlatform, outbox: Outbox) -> AuthService:
    return platform.container.auth()


@pytest.fixture
async def tenant_id(tenant: AsyncTenant) -> str:
    return await tenant.id()


async def test_signing_up_twice_answers_alike_and_mails_the_owner(
    auth: AuthService, tenant_id: str, outbox: Outbox, tenant: AsyncTenant
) -> None:
    first = await auth.sign_up(tenant_id, "cat@example.com", PASSWORD, ip=IP)
    second = await auth.sign_up(tenant_id, "cat@example.com", "another pa55word", ip="198.51.100.5")

    assert first is second is None
    assert [m.subject for m in outbox.sent] == [
        "Confirm your email address",
        "Someone tried to register with your address",
    ]
    assert (await auth.login(tenant_id, "cat@example.com", PASSWORD, ip=IP)).token_type == "bearer"


@pytest.mark.parametrize(
    "look_alike", ["ＣＡＴ@example.com", "c\u200bat@example.com", "cat@EXAMPLE.com.", "Cat@example.com"]
)
async def test_a_look_alike_address_reaches_the_same_account(
    auth: AuthService, tenant_id: str, tenant: AsyncTenant, look_alike: str
) -> None:
    await auth.sign_up(tenant_id, "cat@example.com", PASSWORD, ip=IP)
    await auth.sign_up(tenant_id, look_alike, "another pa55word", ip=IP)

    assert [u.email for u in await tenant.users()].count("cat@example.com") == 1
    assert len(await tenant.users()) == 3


async def test_an_address_mixing_alphabets_is_refused(auth: AuthService, tenant_id: str) -> None:
    with pytest.raises(InvalidInput, match="mixes alphabets"):
        await auth.sign_up(tenant_id, "c\u0430t@example.com", PASSWORD, ip=IP)


async def test_the_verification_link_verifies_once_and_expires(
    auth: AuthService, tenant_id: str, outbox: Outbox, tenant: AsyncTenant, clock: FakeClock
) -> None:
    await auth.sign_up(tenant_id, "cat@example.com", PASSWORD, ip=IP)
    await auth.sign_up(tenant_id, "dog@example.com", PASSWORD, ip=IP)

    assert (await auth.accounts.verify_email(outbox.token("cat@example.com"))).email_verified
    assert (await auth.accounts.verify_email(outbox.token("cat@example.com"))).email_verified
    clock.advance(timedelta(days=3))
    with pytest.raises(InvalidLink):
        await auth.accounts.verify_email(outbox.token("dog@example.com"))
    with pytest.raises(InvalidLink):
        await auth.accounts.verify_email(outbox.token("dog@example.com")[:-2] + "xx")


async def test_in_verified_mode_signing_in_waits_for_the_verification(
    auth: AuthService, tenant_id: str, outbox: Outbox, tenant: AsyncTenant
) -> None:
    await (await tenant.accounts()).set_signup_mode("verified")
    await auth.sign_up(tenant_id, "cat@example.com", PASSWORD, ip=IP)

    with pytest.raises(EmailVerificationRequired):
        await auth.login(tenant_id, "cat@example.com", PASSWORD, ip=IP)
    await auth.accounts.verify_email(outbox.token("cat@example.com"))
    assert (await auth.login(tenant_id, "cat@example.com", PASSWORD, ip=IP)).token_type == "bearer"


async def test_invite_mode_takes_only_invitees_with_their_own_invite(
    auth: AuthService, tenant_id: str, outbox: Outbox, tenant: AsyncTenant
) -> None:
    accounts = await tenant.accounts()
    await accounts.set_signup_mode("invite")
    with pytest.raises(SignUpRefused) as refused:
        await auth.sign_up(tenant_id, "cat@example.com", PASSWORD, ip=IP)
    assert refused.value.code == "invite_required"

    link = await accounts.invite("cat@example.com", "admin")
    token = outbox.token("cat@example.com")
    assert token in link
    with pytest.raises(SignUpRefused):
        await auth.sign_up(tenant_id, "eve@example.com", PASSWORD, invite=token, ip=IP)
    await auth.sign_up(tenant_id, "cat@example.com", PASSWORD, invite=token, ip=IP)

    cat = next(u for u in await tenant.users() if u.email == "cat@example.com")
    assert (cat.role, cat.email_verified) == (Role.ADMIN, True)


async def test_a_closed_tenant_takes_no_sign_up(auth: AuthService, tenant_id: str, tenant: AsyncTenant) -> None:
    await (await tenant.accounts()).set_signup_mode("closed")

    with pytest.raises(SignUpRefused) as refused:
        await auth.sign_up(tenant_id, "cat@example.com", PASSWORD, ip=IP)
    assert refused.value.code == "signup_closed"


async def test_a_reset_link_works_once_and_ends_every_session(
    auth: AuthService, tenant_id: str, outbox: Outbox, tenant: AsyncTenant
) -> None:
    await tenant.create_user("cat@example.com", password=PASSWORD)
    session = await auth.login(tenant_id, "cat@example.com", PASSWORD, ip=IP)
    await auth.forgot_password(tenant_id, "cat@example.com", ip=IP)
    await auth.forgot_password(tenant_id, "nobody@example.com", ip=IP)
    token = outbox.token("cat@example.com")

    await auth.accounts.reset_password(token, "brand new pa55word")

    assert [m.to for m in outbox.sent] == ["cat@example.com"]
    with pytest.raises(InvalidLink):
        await auth.accounts.reset_password(token, "third pa55word here")
    with pytest.raises(InvalidToken):
        await auth.authenticate(session.access_token)
    with pytest.raises(RefreshTokenReused):
        await auth.refresh(session.refresh_token)
    with pytest.raises(InvalidCredentials):
        await auth.login(tenant_id, "cat@example.com", PASSWORD, ip=IP)
    assert (await auth.login(tenant_id, "cat@example.com", "brand new pa55word", ip=IP)).token_type == "bearer"


async def test_checking_a_reset_link_uses_nothing_and_tells_a_used_or_forged_one(
    auth: AuthService, tenant_id: str, outbox: Outbox, tenant: AsyncTenant
) -> None:
    await tenant.create_user("cat@example.com", password=PASSWORD)
    await auth.forgot_password(tenant_id, "cat@example.com", ip=IP)
    token = outbox.token("cat@example.com")

    await auth.accounts.check_reset_link(token)
    await auth.accounts.check_reset_link(token)
    await auth.accounts.reset_password(token, "brand new pa55word")

    for used_or_forged in (token, token[:-4] + "AAAA", ""):
        with pytest.raises(InvalidLink):
            await auth.accounts.check_reset_link(used_or_forged)


async def test_changing_the_password_ends_other_sessions_and_gives_a_new_one(
    auth: AuthService, tenant_id: str, tenant: AsyncTenant
) -> None:
    cat = await tenant.create_user("cat@example.com", password=PASSWORD)
    other = await auth.login(tenant_id, "cat@example.com", PASSWORD, ip=IP)

    with pytest.raises(InvalidCredentials):
        await auth.accounts.change_password(tenant_id, cat.id, "wrong password", "brand new pa55word")
    fresh = await auth.accounts.change_password(tenant_id, cat.id, PASSWORD, "brand new pa55word")

    assert (await auth.authenticate(fresh.access_token)).id == cat.id
    with pytest.raises(InvalidToken):
        await auth.authenticate(other.access_token)


async def test_signing_out_everywhere_kills_every_access_and_refresh_token(
    auth: AuthService, tenant_id: str, tenant: AsyncTenant
) -> None:
    cat = await tenant.create_user("cat@example.com", password=PASSWORD)
    phone = await auth.login(tenant_id, "cat@example.com", PASSWORD, ip=IP)
    laptop = await auth.login(tenant_id, "cat@example.com", PASSWORD, ip=IP)
    _, key = await auth.create_api_key(tenant_id, cat.id, "script")

    await (await tenant.accounts()).sign_out_everywhere("cat@example.com")

    for session in (phone, laptop):
        with pytest.raises(InvalidToken):
            await auth.authenticate(session.access_token)
        with pytest.raises(RefreshTokenReused):
            await auth.refresh(session.refresh_token)
    assert (await auth.authenticate_api_key(key)).id == cat.id
    again = await auth.login(tenant_id, "cat@example.com", PASSWORD, ip=IP)
    assert (await auth.authenticate(again.access_token)).id == cat.id


async def test_the_last_admin_can_be_neither_demoted_nor_disabled(tenant: AsyncTenant) -> None:
    await tenant.create_user("boss@example.com", role="admin")
    accounts = await tenant.accounts()

    with pytest.raises(LastAdmin):
        await accounts.set_role("boss@example.com", "member")
    with pytest.raises(LastAdmin):
        await accounts.set_status("boss@example.com", "disabled")
    await accounts.set_role("ann@example.com", "admin")
    assert (await accounts.set_status("boss@example.com", "disabled")).status is UserStatus.DISABLED
    with pytest.raises(LastAdmin):
        await accounts.set_role("ann@example.com", "member")
