"""Access tokens: what verifies, and every way a forged, stale or misdirected token is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from promptsaas.adapters.security.signing_keys import SigningKey, SigningKeys
from promptsaas.adapters.security.tokens import JwtTokenIssuer
from promptsaas.domain.errors import InvalidLink, InvalidToken
from promptsaas.domain.users import Role, User

from .conftest import AUDIENCE, ISSUER, NOON, SettableClock, issuer_with

CURRENT_SECRET = b"c" * 40


def claims(**overrides: Any) -> dict[str, Any]:
    issued = int(NOON.timestamp())
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-ann",
        "tid": "tenant-acme",
        "role": "member",
        "typ": "access",
        "iat": issued,
        "exp": issued + 900,
        "jti": "jti-1",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def signed(body: dict[str, Any], *, key: Any = CURRENT_SECRET, algorithm: str = "HS256", kid: Any = "current") -> str:
    return jwt.encode(body, key, algorithm=algorithm, headers={"kid": kid})


def b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hand_signed(header: dict[str, Any], body: dict[str, Any], secret: bytes = CURRENT_SECRET) -> str:
    """HS256 by hand, for headers pyjwt would refuse to write."""
    signing_input = f"{b64(header)}.{b64(body)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def test_an_issued_token_verifies_to_its_claims(tokens: JwtTokenIssuer, ann: User) -> None:
    token, expires_in = tokens.issue_access(ann)

    verified = tokens.verify_access(token)

    assert expires_in == 900
    assert (verified.user_id, verified.tenant_id, verified.role) == ("user-ann", "tenant-acme", Role.ADMIN)
    assert verified.expires_at == NOON + timedelta(minutes=15)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "kid": "current", "typ": "JWT"}
    body = jwt.decode(token, options={"verify_signature": False})
    assert set(body) == {"iss", "aud", "sub", "tid", "role", "typ", "exp", "iat", "jti", "ep"}
    assert verified.epoch == body["ep"] == ann.token_epoch
    assert (body["iss"], body["aud"], body["typ"]) == (ISSUER, AUDIENCE, "access")


def test_every_token_has_its_own_jti(tokens: JwtTokenIssuer, ann: User) -> None:
    first, second = (tokens.verify_access(tokens.issue_access(ann)[0]) for _ in range(2))

    assert first.jti != second.jti


def test_a_token_expires_after_fifteen_minutes(tokens: JwtTokenIssuer, clock: SettableClock, ann: User) -> None:
    token, _ = tokens.issue_access(ann)
    clock.advance(timedelta(minutes=14, seconds=59))
    assert tokens.verify_access(token).user_id == ann.id

    clock.advance(timedelta(seconds=1))

    with pytest.raises(InvalidToken, match="expired"):
        tokens.verify_access(token)


def test_alg_none_is_refused(tokens: JwtTokenIssuer) -> None:
    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT', 'kid': 'current'})}.{b64(claims())}."

    with pytest.raises(InvalidToken) as raised:
        tokens.verify_access(unsigned)

    assert raised.value.code == "invalid_token"


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_another_hmac_algorithm_with_the_right_key_is_refused(tokens: JwtTokenIssuer, algorithm: str) -> None:
    with pytest.raises(InvalidToken):
        tokens.verify_access(signed(claims(), algorithm=algorithm))


def test_an_rs256_token_is_refused(tokens: JwtTokenIssuer) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with pytest.raises(InvalidToken):
        tokens.verify_access(signed(claims(), key=private, algorithm="RS256"))


@pytest.mark.parametrize(
    "wrong",
    [
        {"aud": "someone-else"},
        {"aud": [AUDIENCE, "someone-else"]},
        {"iss": "https://evil.example"},
        {"typ": "refresh"},
        {"typ": None},
        {"jti": None},
        {"tid": None},
        {"role": "owner"},
        {"exp": int(NOON.timestamp()) - 1},
        {"exp": None},
    ],
    ids=repr,
)
def test_a_token_with_a_wrong_or_missing_claim_is_refused(tokens: JwtTokenIssuer, wrong: dict[str, Any]) -> None:
    with pytest.raises(InvalidToken):
        tokens.verify_access(signed(claims(**wrong)))


def test_a_tampered_token_is_refused(tokens: JwtTokenIssuer, ann: User) -> None:
    token, _ = tokens.issue_access(ann)
    header, _, signature = token.split(".")
    promoted = f"{header}.{b64(claims(role='admin', sub='user-mallory'))}.{signature}"
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]

    for forged in (promoted, flipped):
        with pytest.raises(InvalidToken):
            tokens.verify_access(forged)


def test_a_token_signed_with_another_secret_is_refused(tokens: JwtTokenIssuer) -> None:
    with pytest.raises(InvalidToken):
        tokens.verify_access(signed(claims(), key=b"x" * 40))


@pytest.mark.parametrize("kid", ["unknown", "", None, ["current"], {"k": "current"}, 7])
def test_an_unknown_or_malformed_kid_is_refused(tokens: JwtTokenIssuer, kid: Any) -> None:
    header = {"alg": "HS256", "typ": "JWT", "kid": kid} if kid is not None else {"alg": "HS256", "typ": "JWT"}

    with pytest.raises(InvalidToken):
        tokens.verify_access(hand_signed(header, claims()))


def test_the_hand_signer_makes_tokens_that_verify(tokens: JwtTokenIssuer) -> None:
    assert tokens.verify_access(hand_signed({"alg": "HS256", "kid": "current"}, claims())).user_id == "user-ann"


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "not a token",
        "a.b.c",
        "' OR '1'='1",
        "Bearer x",
        "rt_tenant-acme_" + "A" * 43,
        "psk_" + "A" * 43,
        "eyJhbGciOiJIUzI1NiJ9." * 3,
    ],
)
def test_strings_that_are_not_tokens_are_refused(tokens: JwtTokenIssuer, garbage: str) -> None:
    with pytest.raises(InvalidToken):
        tokens.verify_access(garbage)


def test_an_old_key_still_verifies_until_it_is_retired(clock: SettableClock, ann: User) -> None:
    before = SigningKeys(SigningKey("2030-01", b"a" * 40))
    rotated = SigningKeys(SigningKey("2030-03", b"b" * 40), (SigningKey("2030-01", b"a" * 40),))
    retired = SigningKeys(SigningKey("2030-03", b"b" * 40))
    old_token, _ = issuer_with(before, clock).issue_access(ann)

    after_rotation = issuer_with(rotated, clock)
    new_token, _ = after_rotation.issue_access(ann)

    assert after_rotation.verify_access(old_token).user_id == ann.id
    assert jwt.get_unverified_header(new_token)["kid"] == "2030-03"
    with pytest.raises(InvalidToken):
        issuer_with(retired, clock).verify_access(old_token)
    assert issuer_with(retired, clock).verify_access(new_token).user_id == ann.id


def test_a_token_from_another_deployment_is_refused(keys: SigningKeys, clock: SettableClock, ann: User) -> None:
    staging = issuer_with(keys, clock, issuer="promptsaas-staging", audience="promptsaas-staging-api")
    token, _ = staging.issue_access(ann)

    with pytest.raises(InvalidToken):
        issuer_with(keys, clock).verify_access(token)


def test_a_link_token_is_neither_an_access_token_nor_a_link_of_another_purpose(
    tokens: JwtTokenIssuer, ann: User, clock: SettableClock
) -> None:
    link = tokens.sign_link("reset_password", {"tid": "tenant-acme", "sub": "user-ann", "ep": 0}, 3600)
    access, _ = tokens.issue_access(ann)

    assert tokens.verify_link("reset_password", link)["sub"] == "user-ann"
    with pytest.raises(InvalidToken):
        tokens.verify_access(link)
    with pytest.raises(InvalidLink):
        tokens.verify_link("verify_email", link)
    with pytest.raises(InvalidLink):
        tokens.verify_link("reset_password", access)
    clock.advance(timedelta(hours=1))
    with pytest.raises(InvalidLink):
        tokens.verify_link("reset_password", link)
