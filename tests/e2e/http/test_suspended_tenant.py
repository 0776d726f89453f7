"""A suspended tenant: its users' passwords, access and refresh tokens, API keys and OAuth ID tokens are all refused
with 403 `tenant_suspended` (other tenants carry on); on reactivation the same credentials work again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.e2e.http.world import GOOGLE_CLIENT, World

Attempt = Callable[[], Awaitable[Any]]


def attempts(world: World, api_key: str) -> dict[str, Attempt]:
    http, a = world.client, world.a
    member, tenant = a.member, {"X-Tenant": a.slug}
    login = {"email": member.email, "password": member.password}
    google = {"iss": "https://accounts.google.com", "aud": GOOGLE_CLIENT, "sub": "g-77", "email_verified": True}
    return {
        "member access token": lambda: http.get("/v1/me", headers=member.bearer),
        "admin access token": lambda: http.get("/v1/admin/users", headers=a.admin.bearer),
        "API key": lambda: http.get("/v1/me", headers={"X-API-Key": api_key}),
        "login": lambda: http.post("/v1/auth/login", json=login, headers=tenant),
        "refresh": lambda: http.post("/v1/auth/refresh", json={"refresh_token": member.refresh_token}),
        "register": lambda: http.post(
            "/v1/auth/register", json={"email": "new@acme.example", "password": "new-pa55word"}, headers=tenant
        ),
        "oauth": lambda: http.post(
            "/v1/auth/oauth/google", json={"id_token": world.jwks.sign(google, "k1")}, headers=tenant
        ),
    }


async def test_a_suspended_tenant_refuses_every_credential_until_reactivated(any_world: World) -> None:
    http, a, b = any_world.client, any_world.a, any_world.b
    created = await http.post("/v1/me/api-keys", json={"name": "ci"}, headers=a.member.bearer)
    tries = attempts(any_world, created.json()["key"])
    users_before = len(await a.library.users())

    await a.library.suspend()

    refused = {name: await attempt() for name, attempt in tries.items()}
    assert {name: (r.status_code, r.json()["code"]) for name, r in refused.items()} == {
        name: (403, "tenant_suspended") for name in tries
    }
    assert all(r.headers["content-type"].startswith("application/problem+json") for r in refused.values())
    assert (await http.get("/v1/me", headers=b.member.bearer)).status_code == 200
    assert len(await a.library.users()) == users_before
    assert (await a.library.audit_log(limit=1))[0].action == "tenant.suspend"

    await a.library.reactivate()

    statuses = {name: (await attempt()).status_code for name, attempt in tries.items()}
    assert statuses == {name: 202 if name == "register" else 200 for name in tries}
