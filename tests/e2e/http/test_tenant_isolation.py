"""Tenant A's credentials against every tenant-scoped route, aimed at tenant B's objects: always 403 or 404, never B's
data, and B's objects untouched afterwards. Members on admin routes are 403; nobody without a credential gets in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.e2e.http import tally
from tests.e2e.http.routes import Operation, tenant_scoped
from tests.e2e.http.world import World

UPSERTS = {("PUT", "/v1/admin/models/{model_id}")}
"""Writes that create the caller's own object under the name given: A gets its own, never B's."""
HARMFUL = {
    ("PATCH", "/v1/admin/users/{user_id}"): {"status": "disabled", "role": "admin"},
    ("PATCH", "/v1/admin/agents/{slug}"): {"name": "pwned", "status": "retired"},
    ("PATCH", "/v1/admin/plans/{code}"): {"name": "pwned"},
}


@dataclass
class Secrets:
    """Tenant B's private objects: what A must never reach, and the strings that would show it did."""

    values: dict[str, str]
    markers: set[str]
    member_key: str


async def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


async def _tenant_b_objects(world: World) -> Secrets:
    http, b = world.client, world.b
    admin, member = b.admin.bearer, b.member.bearer
    agent = {"slug": "globex-secret", "name": "Globex secret", "status": "published"}
    await _ok(await http.post("/v1/admin/agents", json=agent, headers=admin), 201)
    version = {"system": "The globex secret prompt.", "model": "offline:echo"}
    await _ok(await http.post("/v1/admin/agents/globex-secret/versions", json=version, headers=admin), 201)
    await _ok(await http.post("/v1/admin/agents/globex-secret/versions/1/activate", headers=admin))
    plan = {"code": "globex-gold", "name": "Globex gold", "limits": []}
    await _ok(await http.post("/v1/admin/plans", json=plan, headers=admin), 201)
    model = {"input_usd_per_mtok": 7.77, "output_usd_per_mtok": 8.88}
    await _ok(await http.put("/v1/admin/models/openai:globex-private-model", json=model, headers=admin))
    grant = {"email": b.member.email, "plan": "globex-gold"}
    subscription = await _ok(await http.post("/v1/admin/subscriptions", json=grant, headers=admin), 201)
    key = await _ok(await http.post("/v1/me/api-keys", json={"name": "globex-ci"}, headers=member), 201)
    run = await _ok(await http.post("/v1/agents/globex-secret/runs", json={"input": "hi"}, headers=member))
    world.secrets.add(key["key"])
    values = {
        "slug": "globex-secret",
        "number": "1",
        "a": "1",
        "b": "1",
        "code": "globex-gold",
        "model_id": "openai:globex-private-model",
        "user_id": b.member.user_id,
        "subscription_id": subscription["id"],
        "key_id": key["id"],
        "conversation_id": run["conversation_id"],
        "provider": "openai",
        "payment_id": "01a23d00-0000-7000-8000-000000000000",
    }
    markers = {
        b.id,
        b.member.user_id,
        b.admin.user_id,
        b.member.email,
        b.admin.email,
        "globex-secret",
        "globex-gold",
        "openai:globex-private-model",
        "The globex secret prompt",
        subscription["id"],
        key["id"],
        key["prefix"],
        run["conversation_id"],
        key["key"],
        b.member.access_token,
        b.admin.access_token,
    }
    return Secrets(values, markers, key["key"])


def _expects_denial(operation: Operation) -> bool:
    referenced = [p for p in operation.params if p != "provider"]
    return bool(referenced) and (operation.method, operation.template) not in UPSERTS


async def test_tenant_a_never_reaches_tenant_b(any_world: World) -> None:
    world, http = any_world, any_world.client
    b = await _tenant_b_objects(world)
    a_key = await _ok(await http.post("/v1/me/api-keys", json={"name": "a"}, headers=world.a.member.bearer), 201)
    credentials = {
        "A member token": world.a.member.bearer,
        "A admin token": world.a.admin.bearer,
        "A member API key": {"X-API-Key": a_key["key"]},
    }
    grant_to_b = {("POST", "/v1/admin/subscriptions"): {"email": world.b.member.email, "plan": "pro"}}
    failures, requests = [], 0
    for operation in tenant_scoped(http.app):
        path = operation.path(b.values)
        body = (
            HARMFUL.get((operation.method, operation.template))
            or grant_to_b.get((operation.method, operation.template))
            or operation.body()
        )
        for who, headers in credentials.items():
            response = await http.request(operation.method, path, json=body, headers={**headers, "X-Tenant": "globex"})
            requests += 1
            sent = f"{path} {body}"
            leaked = [m for m in b.markers if m in response.text and m not in sent]
            denied = response.status_code in {403, 404}
            if body in grant_to_b.values() and not denied:
                failures.append((who, str(operation), response.status_code, "granted a plan to B's member"))
            if (_expects_denial(operation) and not denied) or response.status_code >= 500 or leaked:
                failures.append((who, str(operation), response.status_code, leaked or response.text[:200]))
    tally.count(
        f"security: tenant A against tenant B ({world.settings.database_url.split(':')[0]})", "requests", requests
    )
    tally.count(
        f"security: tenant A against tenant B ({world.settings.database_url.split(':')[0]})",
        "operations",
        len(tenant_scoped(http.app)),
    )
    assert not failures, "\n".join(map(str, failures))
    await _b_is_untouched(world, b)


async def _b_is_untouched(world: World, b: Secrets) -> None:
    http, admin, member = world.client, world.b.admin.bearer, world.b.member.bearer
    me = await _ok(await http.get("/v1/me", headers={"X-API-Key": b.member_key}))
    assert (me["user"]["status"], me["user"]["role"]) == ("active", "member")
    assert "globex-gold" in {s["plan"] for s in me["subscriptions"] if s["status"] == "active"}
    await _ok(await http.get(f"/v1/conversations/{b.values['conversation_id']}", headers=member))
    agent = await _ok(await http.get("/v1/admin/agents/globex-secret", headers=admin))
    assert (agent["name"], agent["status"], agent["active_version"]) == ("Globex secret", "published", 1)
    assert (await _ok(await http.get("/v1/admin/plans/globex-gold", headers=admin)))["name"] == "Globex gold"
    assert (await _ok(await http.get("/v1/admin/models/openai:globex-private-model", headers=admin)))[
        "input_usd_per_mtok"
    ].startswith("7.77")


async def test_a_member_gets_403_forbidden_on_every_admin_route(app_world: World) -> None:
    http = app_world.client
    key = await _ok(await http.post("/v1/me/api-keys", json={"name": "m"}, headers=app_world.a.member.bearer), 201)
    values = {
        "slug": "tutor",
        "number": "1",
        "a": "1",
        "b": "1",
        "code": "free",
        "model_id": "offline:echo",
        "user_id": app_world.a.admin.user_id,
        "subscription_id": "s",
        "key_id": "k",
        "payment_id": "p",
    }
    failures, requests = [], 0
    admin_routes = [o for o in tenant_scoped(http.app) if o.admin]
    for operation in admin_routes:
        for headers in (app_world.a.member.bearer, {"Authorization": f"Bearer {key['key']}"}):
            response = await http.request(
                operation.method, operation.path(values), json=operation.body(), headers=headers
            )
            requests += 1
            if response.status_code != 403 or response.json()["code"] != "forbidden":
                failures.append((str(operation), response.status_code, response.text[:200]))
    tally.count("security: member on admin routes", "operations", len(admin_routes))
    tally.count("security: member on admin routes", "requests", requests)
    assert not failures, failures


async def test_no_credential_is_401_on_every_member_and_admin_route(app_world: World) -> None:
    http, failures = app_world.client, []
    guarded = [o for o in tenant_scoped(http.app) if o.template != "/v1/plans"]
    for operation in guarded:
        path = operation.path({p: "x" for p in operation.params}).replace("/x", "/1")
        response = await http.request(operation.method, path, json=operation.body(), headers={"X-Tenant": "acme"})
        if response.status_code != 401 or response.json()["code"] != "invalid_token":
            failures.append((str(operation), response.status_code, response.text[:200]))
    tally.count("security: no credential", "operations", len(guarded))
    assert not failures, failures
