"""The account routes over HTTP: registration that reveals nothing, the sign-up mode and invites an admin sets, the
mailed links, signing out everywhere, and the last admin who stays one."""

from __future__ import annotations

import re

from dependency_injector import providers

from promptsaas.application.ports.mail import Mail, Mailer
from tests.e2e.http.world import World


class Outbox(Mailer):
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.sent.append(mail)

    def token(self, to: str) -> str:
        mail = next(m for m in reversed(self.sent) if m.to == to)
        found = re.search(r"(?:token|invite)=([\w.%-]+)", mail.text)
        assert found, mail.text
        return found.group(1)


def outbox_of(world: World) -> Outbox:
    outbox, container = Outbox(), world.platform.container
    container.mailer.override(providers.Object(outbox))
    for name in ("account_mail", "accounts", "signup", "auth"):
        getattr(container, name).reset()
    return outbox


async def test_registering_an_existing_address_answers_exactly_like_a_new_one(app_world: World) -> None:
    http, a = app_world.client, app_world.a
    outbox = outbox_of(app_world)
    tenant = {"X-Tenant": a.slug}

    new = await http.post(
        "/v1/auth/register", json={"email": "new@acme.example", "password": "n3w-pa55word"}, headers=tenant
    )
    taken = await http.post(
        "/v1/auth/register", json={"email": "MEMBER@acme.example", "password": "n3w-pa55word"}, headers=tenant
    )

    assert (new.status_code, new.json()) == (taken.status_code, taken.json()) == (202, new.json())
    assert [m.to for m in outbox.sent] == ["new@acme.example", "member@acme.example"]


async def test_verified_mode_lets_a_new_member_in_once_the_mailed_link_is_followed(app_world: World) -> None:
    http, a = app_world.client, app_world.a
    outbox = outbox_of(app_world)
    tenant, body = {"X-Tenant": a.slug}, {"email": "ver@acme.example", "password": "ver-pa55word"}
    mode = await http.put("/v1/admin/signup-mode", json={"mode": "verified"}, headers=a.admin.bearer)
    assert mode.json() == {"mode": "verified"}

    assert (await http.post("/v1/auth/register", json=body, headers=tenant)).status_code == 202
    refused = await http.post("/v1/auth/login", json=body, headers=tenant)
    verified = await http.post("/v1/auth/verify-email", json={"token": outbox.token("ver@acme.example")})
    signed_in = await http.post("/v1/auth/login", json=body, headers=tenant)

    assert (refused.status_code, refused.json()["code"]) == (403, "email_verification_required")
    assert verified.status_code == 204
    assert signed_in.status_code == 200
    me = await http.get("/v1/me", headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"})
    assert me.json()["user"]["email_verified"] is True


async def test_an_invite_is_the_only_way_in_to_an_invite_only_tenant(app_world: World) -> None:
    http, a = app_world.client, app_world.a
    outbox = outbox_of(app_world)
    tenant, body = {"X-Tenant": a.slug}, {"email": "inv@acme.example", "password": "inv-pa55word"}
    await http.put("/v1/admin/signup-mode", json={"mode": "invite"}, headers=a.admin.bearer)

    refused = await http.post("/v1/auth/register", json=body, headers=tenant)
    invited = await http.post("/v1/admin/invites", json={"email": "inv@acme.example"}, headers=a.admin.bearer)
    joined = await http.post(
        "/v1/auth/register", json={**body, "invite": outbox.token("inv@acme.example")}, headers=tenant
    )

    assert (refused.status_code, refused.json()["code"]) == (403, "invite_required")
    assert invited.status_code == 201
    assert invited.json()["email"] == "inv@acme.example"
    assert joined.status_code == 202
    assert (await http.post("/v1/auth/login", json=body, headers=tenant)).status_code == 200


async def test_signing_out_everywhere_refuses_the_old_tokens_at_once(app_world: World) -> None:
    http, member = app_world.client, app_world.a.member

    out = await http.post("/v1/me/sign-out-everywhere", headers=member.bearer)

    assert out.status_code == 204
    assert (await http.get("/v1/me", headers=member.bearer)).status_code == 401
    reused = await http.post("/v1/auth/refresh", json={"refresh_token": member.refresh_token})
    assert reused.status_code == 401


async def test_a_reset_link_sets_a_new_password_once(app_world: World) -> None:
    http, a = app_world.client, app_world.a
    outbox = outbox_of(app_world)
    tenant = {"X-Tenant": a.slug}

    asked = await http.post("/v1/auth/forgot-password", json={"email": a.member.email}, headers=tenant)
    token = outbox.token(a.member.email)
    reset = await http.post("/v1/auth/reset-password", json={"token": token, "password": "fresh-pa55word"})
    again = await http.post("/v1/auth/reset-password", json={"token": token, "password": "other-pa55word"})

    assert (asked.status_code, reset.status_code) == (202, 204)
    assert (again.status_code, again.json()["code"]) == (400, "invalid_link")
    login = {"email": a.member.email, "password": "fresh-pa55word"}
    assert (await http.post("/v1/auth/login", json=login, headers=tenant)).status_code == 200


async def test_the_last_admin_cannot_demote_themselves(app_world: World) -> None:
    http, admin = app_world.client, app_world.a.admin

    demoted = await http.patch(f"/v1/admin/users/{admin.user_id}", json={"role": "member"}, headers=admin.bearer)

    assert (demoted.status_code, demoted.json()["code"]) == (409, "last_admin")
