"""Input that cannot hurt: NUL bytes, malformed bodies, out-of-range numbers and absurd tokens are a 400 (or 401)
problem naming what is wrong, on the in-memory and SQL adapters alike, and change nothing."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from tests.e2e.http.world import AUDIENCE, ISSUER, SIGNING_SECRET, World

DEEP = b"[" * 10_000 + b"]" * 10_000


def problem_of(response: Any) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body["code"], body.get("field")


async def test_a_nul_byte_in_a_login_email_is_a_400_naming_the_field(any_world: World) -> None:
    response = await any_world.client.post(
        "/v1/auth/login",
        json={"email": "member@acme.example\x00", "password": "x"},
        headers={"X-Tenant": "acme"},
    )
    assert problem_of(response) == (400, "invalid_request", "email")


async def test_a_nul_byte_in_a_run_input_is_a_400_naming_the_field(any_world: World) -> None:
    response = await any_world.client.post(
        "/v1/agents/tutor/runs", json={"input": "hi \x00 there"}, headers=any_world.a.member.bearer
    )
    assert problem_of(response) == (400, "invalid_request", "input")


async def test_a_nul_byte_in_a_path_parameter_is_a_400(any_world: World) -> None:
    response = await any_world.client.get("/v1/agents/tu%00tor", headers=any_world.a.member.bearer)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"


async def test_a_nul_byte_in_a_refresh_token_is_a_400_naming_the_field(any_world: World) -> None:
    response = await any_world.client.post("/v1/auth/refresh", json={"refresh_token": "abc\x00def"})
    assert problem_of(response) == (400, "invalid_request", "refresh_token")


NAMED = {
    "an agent's name": ("post", "/v1/admin/agents", {"slug": "nul", "name": "Tu\x00tor"}, "name"),
    "a plan's name": ("post", "/v1/admin/plans", {"code": "nul", "name": "Pro\x00"}, "name"),
    "a member's name": (
        "post",
        "/v1/auth/register",
        {"email": "nul@acme.example", "display_name": "A\x00da", "password": "n3w-pa55word"},
        "display_name",
    ),
}


@pytest.mark.parametrize("case", list(NAMED), ids=list(NAMED))
async def test_a_nul_byte_in_a_name_is_a_400_naming_the_field(any_world: World, case: str) -> None:
    method, path, body, field = NAMED[case]
    headers = {**any_world.a.admin.bearer, "X-Tenant": any_world.a.slug}
    response = await any_world.client.request(method, path, json=body, headers=headers)
    assert problem_of(response) == (400, "invalid_request", field)


@pytest.mark.parametrize(
    "body", [b"\xff\xfe{}", b'{"input": "\xc3\x28"}', DEEP, b'{"input": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"]
)
async def test_a_malformed_body_is_a_400_not_a_500(app_world: World, body: bytes) -> None:
    headers = {**app_world.a.member.bearer, "Content-Type": "application/json"}
    response = await app_world.client.post("/v1/agents/tutor/runs", content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_request"


@pytest.mark.parametrize("path", ["/v1/agents/tutor/runs", "/v1/me/api-keys"])
async def test_a_missing_body_is_a_400_saying_a_body_is_required(app_world: World, path: str) -> None:
    headers = {**app_world.a.member.bearer, "Content-Type": "application/json"}
    response = await app_world.client.post(path, headers=headers)
    assert problem_of(response) == (400, "invalid_request", "body")
    assert response.json()["detail"] == "a JSON body is required"


async def test_a_token_with_an_absurd_expiry_is_a_401(app_world: World) -> None:
    now = int(time.time())
    member = app_world.a.member
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": member.user_id,
        "tid": app_world.a.id,
        "role": "member",
        "typ": "access",
        "iat": now,
        "exp": 10**20,
        "jti": "j-absurd",
    }
    token = jwt.encode(claims, SIGNING_SECRET, algorithm="HS256", headers={"kid": "inproc"})
    response = await app_world.client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text


OUT_OF_RANGE_PLANS = {
    "a limit past 2^63-1": ({"limits": [{"metric": "requests", "window": "day", "amount": 2**63}]}, "limits[0].amount"),
    "a price past 2^63-1": ({"price": {"monthly": 2**63}}, "price.monthly"),
    "a huge priority": ({"priority": 10**12}, "priority"),
    "a retention of a billion days": ({"retention_days": 10**9}, "retention_days"),
    "a trial of a billion days": ({"trial_days": 10**9}, "trial_days"),
}


@pytest.mark.parametrize("case", list(OUT_OF_RANGE_PLANS), ids=list(OUT_OF_RANGE_PLANS))
async def test_an_out_of_range_plan_number_is_refused_and_nothing_is_stored(app_world: World, case: str) -> None:
    fields, field = OUT_OF_RANGE_PLANS[case]
    admin = app_world.a.admin.bearer
    response = await app_world.client.post(
        "/v1/admin/plans", json={"code": "huge", "name": "Huge", **fields}, headers=admin
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_request"
    assert field in (response.json().get("field") or "") + response.json()["detail"]
    assert (await app_world.client.get("/v1/admin/plans/huge", headers=admin)).status_code == 404


@pytest.mark.parametrize("price", [1e20, 1e308])
async def test_a_model_price_out_of_range_is_refused(app_world: World, price: float) -> None:
    body = {"input_usd_per_mtok": price, "output_usd_per_mtok": 1}
    response = await app_world.client.put("/v1/admin/models/openai:dear", json=body, headers=app_world.a.admin.bearer)
    assert problem_of(response)[:2] == (400, "invalid_request")


async def test_a_version_number_past_any_column_in_a_path_is_a_400(app_world: World) -> None:
    response = await app_world.client.get(f"/v1/admin/agents/tutor/versions/{2**63}", headers=app_world.a.admin.bearer)
    assert problem_of(response)[:2] == (400, "invalid_request")


async def test_a_catalog_with_out_of_range_numbers_is_refused_naming_each(app_world: World) -> None:
    document = {
        "models": [
            {"id": "openai:dear", "input_usd_per_mtok": 1e20, "output_usd_per_mtok": 1, "context_window": 10**12}
        ],
        "plans": [
            {
                "code": "huge",
                "name": "Huge",
                "priority": 10**12,
                "retention_days": 10**9,
                "limits": [{"metric": "requests", "window": "day", "amount": 2**63}],
            },
            {"code": "forever", "name": "Forever", "kind": "pack", "grace_days": 2**63 - 1, "expires_days": 10**9},
        ],
    }
    response = await app_world.client.put("/v1/admin/catalog", json=document, headers=app_world.a.admin.bearer)
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    for path in (
        "models[0].input_usd_per_mtok",
        "models[0].context_window",
        "plans[0].priority",
        "plans[0].retention_days",
        "plans[0].limits[0].amount",
        "plans[1].grace_days",
        "plans[1].expires_days",
    ):
        assert path in detail
