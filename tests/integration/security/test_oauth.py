"""Google and Apple ID tokens, verified against a loopback JWKS server holding locally generated keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from promptsaas.adapters.clock import SystemClock
from promptsaas.adapters.security.jwks import JwksKeys
from promptsaas.adapters.security.oauth import APPLE_ISSUERS, GOOGLE_ISSUERS, JwksIdTokenVerifier, OAuthProvider
from promptsaas.application.ports.oauth import VerifiedIdentity
from promptsaas.domain.errors import InvalidToken
from promptsaas.domain.users import IdentityProvider
from tests.support.jwks_stub import JwksStub

GOOGLE = IdentityProvider.GOOGLE
APPLE = IdentityProvider.APPLE
GOOGLE_CLIENT = "web.apps.googleusercontent.com"
APPLE_CLIENT = "dev.promptsaas.app"
NONCE = "n-0S6_WzA2Mj"


@pytest.fixture
def stub() -> Iterator[JwksStub]:
    with JwksStub() as stub:
        stub.add_key("k1")
        yield stub


def verifier_for(
    stub: JwksStub, *, min_refresh: float = 0, google_ids: frozenset[str] | None = None
) -> JwksIdTokenVerifier:
    return JwksIdTokenVerifier(
        {
            GOOGLE: OAuthProvider(
                GOOGLE_ISSUERS,
                frozenset({GOOGLE_CLIENT}) if google_ids is None else google_ids,
                JwksKeys(stub.url, min_refresh_seconds=min_refresh),
            ),
            APPLE: OAuthProvider(
                APPLE_ISSUERS,
                frozenset({APPLE_CLIENT}),
                JwksKeys(stub.url, min_refresh_seconds=min_refresh),
                nonce_required=True,
            ),
        },
        SystemClock(),
    )


@pytest.fixture
def verifier(stub: JwksStub) -> JwksIdTokenVerifier:
    return verifier_for(stub)


def google(**overrides: Any) -> dict[str, Any]:
    claims = {
        "iss": "https://accounts.google.com",
        "aud": GOOGLE_CLIENT,
        "sub": "1045",
        "email": "ann@gmail.com",
        "email_verified": True,
        "name": "Ann",
    }
    return {k: v for k, v in {**claims, **overrides}.items() if v is not None}


def apple(**overrides: Any) -> dict[str, Any]:
    claims = {
        "iss": "https://appleid.apple.com",
        "aud": APPLE_CLIENT,
        "sub": "001234.abcd",
        "email": "ann@privaterelay.appleid.com",
        "email_verified": "true",
        "nonce": NONCE,
    }
    return {k: v for k, v in {**claims, **overrides}.items() if v is not None}


async def test_a_good_google_token_names_its_user(stub: JwksStub, verifier: JwksIdTokenVerifier) -> None:
    identity = await verifier.verify(GOOGLE, stub.sign(google(), "k1"), None)

    assert identity == VerifiedIdentity("1045", "ann@gmail.com", True, "Ann")


async def test_both_google_issuer_spellings_are_accepted(stub: JwksStub, verifier: JwksIdTokenVerifier) -> None:
    for issuer in ("accounts.google.com", "https://accounts.google.com"):
        assert (await verifier.verify(GOOGLE, stub.sign(google(iss=issuer), "k1"), None)).subject == "1045"


async def test_apple_accepts_the_raw_nonce_or_its_sha256(stub: JwksStub, verifier: JwksIdTokenVerifier) -> None:
    hashed = hashlib.sha256(NONCE.encode()).hexdigest()

    raw = await verifier.verify(APPLE, stub.sign(apple(), "k1"), NONCE)
    digested = await verifier.verify(APPLE, stub.sign(apple(nonce=hashed), "k1"), NONCE)

    assert raw == digested == VerifiedIdentity("001234.abcd", "ann@privaterelay.appleid.com", True)


@pytest.mark.parametrize(
    ("provider", "claims", "nonce", "reason"),
    [
        (GOOGLE, google(aud="someone-elses-client"), None, "wrong audience"),
        (GOOGLE, google(iss="https://appleid.apple.com"), None, "wrong issuer"),
        (GOOGLE, google(iss="https://evil.example"), None, "wrong issuer"),
        (GOOGLE, google(sub=None), None, "missing claim sub"),
        (GOOGLE, google(exp=int(time.time()) - 120), None, "expired"),
        (GOOGLE, google(nonce="other"), NONCE, "nonce"),
        (APPLE, apple(aud=GOOGLE_CLIENT), NONCE, "wrong audience"),
        (APPLE, apple(iss="https://accounts.google.com"), NONCE, "wrong issuer"),
        (APPLE, apple(nonce="replayed"), NONCE, "nonce"),
        (APPLE, apple(nonce=None), NONCE, "nonce"),
        (APPLE, apple(), None, "needs the nonce"),
        (APPLE, apple(exp=int(time.time()) - 120), NONCE, "expired"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
async def test_a_misdirected_stale_or_replayed_token_is_refused(
    stub: JwksStub,
    verifier: JwksIdTokenVerifier,
    provider: IdentityProvider,
    claims: dict[str, Any],
    nonce: str | None,
    reason: str,
) -> None:
    with pytest.raises(InvalidToken, match=reason) as raised:
        await verifier.verify(provider, stub.sign(claims, "k1"), nonce)

    assert raised.value.code == "invalid_token"


async def test_an_unverified_email_is_reported_as_such(stub: JwksStub, verifier: JwksIdTokenVerifier) -> None:
    google_says = await verifier.verify(GOOGLE, stub.sign(google(email_verified=False), "k1"), None)
    apple_says = await verifier.verify(APPLE, stub.sign(apple(email_verified="false"), "k1"), NONCE)

    assert (google_says.email_verified, apple_says.email_verified) == (False, False)


async def test_an_unknown_kid_refetches_the_keys_then_fails(stub: JwksStub, verifier: JwksIdTokenVerifier) -> None:
    await verifier.verify(GOOGLE, stub.sign(google(), "k1"), None)
    stub.add_key("rogue", publish=False)

    with pytest.raises(InvalidToken, match="unknown key"):
        await verifier.verify(GOOGLE, stub.sign(google(), "rogue"), None)

    assert stub.fetches == 2


async def test_a_rotated_provider_key_is_picked_up_by_refetching(stub: JwksStub, verifier: JwksIdTokenVerifier) -> None:
    await verifier.verify(GOOGLE, stub.sign(google(), "k1"), None)
    stub.add_key("k2")
    stub.retire("k1")

    identity = await verifier.verify(GOOGLE, stub.sign(google(sub="2090"), "k2"), None)

    assert identity.subject == "2090"
    assert stub.fetches == 2


async def test_keys_are_cached_between_tokens(stub: JwksStub, verifier: JwksIdTokenVerifier) -> None:
    for _ in range(5):
        await verifier.verify(GOOGLE, stub.sign(google(), "k1"), None)

    assert stub.fetches == 1


async def test_unknown_kids_cannot_make_us_hammer_the_provider(stub: JwksStub) -> None:
    clock = [0.0]
    keys = JwksKeys(stub.url, min_refresh_seconds=60, now=lambda: clock[0])
    assert await keys.key("k1") is not None

    misses = [await keys.key(f"made-up-{n}") for n in range(10)]
    clock[0] = 61.0
    stub.add_key("k2")
    found = await keys.key("k2")

    assert misses == [None] * 10
    assert found is not None
    assert stub.fetches == 2


async def test_known_keys_keep_working_while_the_provider_is_down(
    stub: JwksStub, verifier: JwksIdTokenVerifier
) -> None:
    await verifier.verify(GOOGLE, stub.sign(google(), "k1"), None)
    stub.down = True
    stub.add_key("k2")

    assert (await verifier.verify(GOOGLE, stub.sign(google(), "k1"), None)).subject == "1045"
    with pytest.raises(InvalidToken):
        await verifier.verify(GOOGLE, stub.sign(google(), "k2"), None)


async def test_a_provider_that_is_down_from_the_start_refuses_cleanly(stub: JwksStub) -> None:
    stub.down = True

    with pytest.raises(InvalidToken, match="unknown key"):
        await verifier_for(stub).verify(GOOGLE, stub.sign(google(), "k1"), None)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def test_an_hs256_token_keyed_with_the_public_key_is_refused(
    stub: JwksStub, verifier: JwksIdTokenVerifier
) -> None:
    public_pem = (
        stub.private_key("k1")
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    body = {**google(), "iat": int(time.time()), "exp": int(time.time()) + 600}
    signing_input = f"{_b64(json.dumps({'alg': 'HS256', 'kid': 'k1'}).encode())}.{_b64(json.dumps(body).encode())}"
    forged = f"{signing_input}.{_b64(hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest())}"

    with pytest.raises(InvalidToken):
        await verifier.verify(GOOGLE, forged, None)


async def test_another_rsa_algorithm_is_refused(stub: JwksStub, verifier: JwksIdTokenVerifier) -> None:
    with pytest.raises(InvalidToken, match="RS256"):
        await verifier.verify(GOOGLE, stub.sign(google(), "k1", algorithm="RS512"), None)


async def test_a_provider_without_client_ids_is_not_configured(stub: JwksStub) -> None:
    verifier = verifier_for(stub, google_ids=frozenset())

    with pytest.raises(InvalidToken, match="not configured"):
        await verifier.verify(GOOGLE, stub.sign(google(), "k1"), None)

    assert stub.fetches == 0


@pytest.mark.parametrize("garbage", ["", "not-a-jwt", "a.b.c", "' OR 1=1 --"])
async def test_strings_that_are_not_id_tokens_are_refused(verifier: JwksIdTokenVerifier, garbage: str) -> None:
    with pytest.raises(InvalidToken):
        await verifier.verify(GOOGLE, garbage, None)
