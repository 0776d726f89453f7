"""Credentials over HTTP: forged and misused access tokens, bad OAuth ID tokens, injection strings in every credential
header, and malformed request bodies. Each group reports how many cases it ran (see `tally`)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.e2e.http import tally
from tests.e2e.http.routes import operations
from tests.e2e.http.world import APPLE_CLIENT, AUDIENCE, GOOGLE_CLIENT, ISSUER, MAX_BODY_BYTES, SIGNING_SECRET, World

KID = "inproc"


def _claims(world: World, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    member = world.a.member
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": member.user_id,
        "tid": world.a.id,
        "role": "member",
        "typ": "access",
        "iat": now,
        "exp": now + 600,
        "jti": f"j{now}",
    }
    return {k: v for k, v in {**claims, **overrides}.items() if v is not None}


def _sign(claims: dict[str, Any], *, key: Any = SIGNING_SECRET, algorithm: str = "HS256", kid: str = KID) -> str:
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


def _unsigned(claims: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT', 'kid': KID})}.{part(claims)}."


def _tampered(token: str, **changes: Any) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return f"{header}.{_unsigned({**claims, **changes}).split('.')[1]}.{signature}"


FORGERIES: dict[str, Callable[[World], str]] = {
    "alg=none": lambda w: _unsigned(_claims(w)),
    "alg=none, admin role": lambda w: _unsigned(_claims(w, role="admin")),
    "wrong algorithm (HS512, right secret)": lambda w: _sign(_claims(w), algorithm="HS512"),
    "wrong algorithm (RS256, attacker's key)": lambda w: _sign(
        _claims(w), key=rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256"
    ),
    "wrong secret": lambda w: _sign(_claims(w), key="an-attackers-guess-at-the-secret-0123456789"),
    "unknown kid": lambda w: _sign(_claims(w), kid="retired"),
    "wrong aud": lambda w: _sign(_claims(w, aud="someone-else")),
    "wrong iss": lambda w: _sign(_claims(w, iss="https://evil.example")),
    "expired": lambda w: _sign(_claims(w, iat=int(time.time()) - 3600, exp=int(time.time()) - 60)),
    "no exp": lambda w: _sign(_claims(w, exp=None)),
    "no tid": lambda w: _sign(_claims(w, tid=None)),
    "typ=refresh": lambda w: _sign(_claims(w, typ="refresh")),
    "refresh token as access token": lambda w: w.a.member.refresh_token,
    "tampered payload (role=admin)": lambda w: _tampered(w.a.member.access_token, role="admin"),
    "tampered payload (other tenant)": lambda w: _tampered(w.a.member.access_token, tid=w.b.id),
    "garbage": lambda w: "not.a.jwt",
}


@pytest.mark.filterwarnings("ignore:The HMAC key is")  # the HS512 forgery reuses the HS256 secret on purpose
async def test_a_forged_or_misused_access_token_is_401_invalid_token(app_world: World) -> None:
    http = app_world.client
    assert (
        await http.get("/v1/me", headers={"Authorization": f"Bearer {_sign(_claims(app_world))}"})
    ).status_code == 200
    failures = []
    for name, forge in FORGERIES.items():
        token = forge(app_world)
        for path in ("/v1/me", "/v1/admin/users"):
            response = await http.get(path, headers={"Authorization": f"Bearer {token}"})
            body = response.json()
            if (response.status_code, body.get("code")) != (
                401,
                "invalid_token",
            ) or "Bearer" not in response.headers.get("www-authenticate", ""):
                failures.append((name, path, response.status_code, body))
            tally.count("security: JWT negative cases", "requests")
    tally.count("security: JWT negative cases", "forgeries", len(FORGERIES))
    assert not failures, failures


def _google(**overrides: Any) -> dict[str, Any]:
    claims = {
        "iss": "https://accounts.google.com",
        "aud": GOOGLE_CLIENT,
        "sub": "g-1045",
        "email": "ann@gmail.com",
        "email_verified": True,
    }
    return {k: v for k, v in {**claims, **overrides}.items() if v is not None}


def _apple(**overrides: Any) -> dict[str, Any]:
    claims = {
        "iss": "https://appleid.apple.com",
        "aud": APPLE_CLIENT,
        "sub": "a-0012",
        "email": "bob@icloud.com",
        "email_verified": "true",
        "nonce": "n-0S6_WzA2Mj",
    }
    return {k: v for k, v in {**claims, **overrides}.items() if v is not None}


async def test_oauth_id_tokens_with_wrong_audience_issuer_nonce_or_expiry_are_refused(app_world: World) -> None:
    stub, http, tenant = app_world.jwks, app_world.client, {"X-Tenant": app_world.a.slug}
    stub.add_key("unpublished", publish=False)

    async def sign_in(provider: str, token: str, nonce: str | None = None) -> Any:
        return await http.post(f"/v1/auth/oauth/{provider}", json={"id_token": token, "nonce": nonce}, headers=tenant)

    assert (await sign_in("google", stub.sign(_google(), "k1"))).status_code == 200
    assert (await sign_in("apple", stub.sign(_apple(), "k1"), "n-0S6_WzA2Mj")).status_code == 200
    cases = {
        "google: wrong aud": ("google", stub.sign(_google(aud="another-app"), "k1"), None),
        "google: wrong iss": ("google", stub.sign(_google(iss="https://accounts.evil.example"), "k1"), None),
        "google: expired": ("google", stub.sign(_google(), "k1", ttl=-120), None),
        "google: unpublished key": ("google", stub.sign(_google(), "unpublished"), None),
        "google: tampered": ("google", _tampered(stub.sign(_google(), "k1"), sub="g-admin"), None),
        "google: an apple token": ("google", stub.sign(_apple(), "k1"), "n-0S6_WzA2Mj"),
        "apple: wrong nonce": ("apple", stub.sign(_apple(), "k1"), "another-nonce"),
        "apple: no nonce sent": ("apple", stub.sign(_apple(), "k1"), None),
        "apple: no nonce in token": ("apple", stub.sign(_apple(nonce=None), "k1"), "n-0S6_WzA2Mj"),
        "apple: wrong aud": ("apple", stub.sign(_apple(aud="com.other.app"), "k1"), "n-0S6_WzA2Mj"),
        "apple: wrong iss": ("apple", stub.sign(_apple(iss="https://accounts.google.com"), "k1"), "n-0S6_WzA2Mj"),
        "apple: expired": ("apple", stub.sign(_apple(), "k1", ttl=-120), "n-0S6_WzA2Mj"),
    }
    failures = []
    for name, (provider, token, nonce) in cases.items():
        response = await sign_in(provider, token, nonce)
        if response.status_code != 401 or response.json()["code"] != "invalid_token":
            failures.append((name, response.status_code, response.text))
    tally.count("security: OAuth negative cases", "cases", len(cases))
    assert not failures, failures


INJECTIONS = [
    "' OR '1'='1",
    "' OR 1=1 --",
    "'; DROP TABLE users; --",
    '" OR ""="',
    "admin'--",
    "1' UNION SELECT password_hash FROM users --",
    "'; SELECT pg_sleep(5); --",
    "' AND (SELECT 1 FROM (SELECT SLEEP(5))x) --",
    "%27%20OR%201%3D1",
    "*/ OR /**/ 1=1",
]


async def test_injection_strings_in_credential_headers_are_refused_fast(any_world: World) -> None:
    world, database = any_world, any_world.settings.database_url.split(":")[0]
    http, token = world.client, world.a.member.bearer
    probes: list[tuple[str, str, dict[str, str]]] = []
    for value in INJECTIONS:
        probes += [
            ("Authorization", "/v1/me", {"Authorization": f"Bearer {value}"}),
            ("Authorization", "/v1/me", {"Authorization": value}),
            ("X-API-Key", "/v1/me", {"X-API-Key": value}),
            ("X-API-Key", "/v1/me", {"X-API-Key": f"psk_{value}"}),
            ("X-Tenant", "/v1/plans", {"X-Tenant": value}),
            ("X-Channel", "/v1/me", {**token, "X-Channel": value}),
        ]
    slowest, failures = 0.0, []
    for header, path, headers in probes:
        started = time.perf_counter()
        response = await http.get(path, headers=headers)
        slowest = max(slowest, time.perf_counter() - started)
        if response.status_code not in {400, 401, 404} or not response.json().get("code"):
            failures.append((header, headers, response.status_code, response.text))
    login = {"email": f"{INJECTIONS[0]}@x.example", "password": INJECTIONS[1] * 2}
    response = await http.post("/v1/auth/login", json=login, headers={"X-Tenant": INJECTIONS[2]})
    assert response.status_code == 404, response.text
    response = await http.post("/v1/auth/login", json=login, headers={"X-Tenant": world.a.slug})
    assert response.status_code == 401, response.text
    assert (await http.get("/v1/me", headers=token)).status_code == 200
    tally.count(f"security: injection in credential headers ({database})", "requests", len(probes) + 2)
    tally.note(f"security: injection in credential headers ({database})", f"slowest {slowest * 1000:.0f} ms")
    assert not failures, failures
    assert slowest < 2.0, f"{slowest:.2f}s: a payload may have reached the database (a sleep() takes 5 s)"


SEMANTIC = {"unknown field", "wrong type"}
"""The catalog document is checked by the catalog's own validation (`catalog_invalid`), as `catalog apply` does."""


def _wrong_type(value: Any) -> Any:
    return 12345 if isinstance(value, str) else "not-the-right-type"


async def test_malformed_bodies_are_400_invalid_request_naming_the_field(app_world: World) -> None:
    http = app_world.client
    headers = {**app_world.a.admin.bearer, "X-Tenant": app_world.a.slug, "Content-Type": "application/json"}
    values = {"provider": "google", "slug": "tutor", "code": "free", "model_id": "offline:echo"}
    failures, cases = [], 0
    for operation in (o for o in operations(http.app) if o.takes_body):
        path = operation.path({p: values.get(p, "x") for p in operation.params})
        example = operation.body()
        assert example is not None
        first = next(iter(example))
        bad: dict[str, tuple[bytes, str]] = {
            "malformed JSON": (b'{"' + first.encode() + b'": ', "body"),
            "not an object": (b"[1, 2, 3]", "body"),
            "unknown field": (json.dumps({**example, "sneaky_extra": 1}).encode(), "sneaky_extra"),
            "wrong type": (json.dumps({**example, first: _wrong_type(example[first])}).encode(), first),
            "oversized": (json.dumps({**example, first: "x" * MAX_BODY_BYTES}).encode(), "body"),
        }
        if operation.template == "/v1/admin/catalog":
            bad["unknown field"] = (json.dumps({"sneaky_extra": 1}).encode(), "sneaky_extra")
            bad["wrong type"] = (json.dumps({"agents": 5}).encode(), "agents")
        for case, (content, field) in bad.items():
            cases += 1
            response = await http.request(operation.method, path, content=content, headers=headers)
            body = response.json()
            named = body.get("field") or ""
            code = (
                "catalog_invalid"
                if operation.template == "/v1/admin/catalog" and case in SEMANTIC
                else "invalid_request"
            )
            if response.status_code != 400 or body.get("code") != code or not named.startswith(field):
                failures.append((str(operation), case, response.status_code, body))
    tally.count("security: malformed bodies", "cases", cases)
    assert not failures, "\n".join(map(str, failures))
