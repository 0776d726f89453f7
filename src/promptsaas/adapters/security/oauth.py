"""Google and Apple ID tokens: RS256 signatures checked against the provider's JWKS, then `iss`, `aud`, `exp`, nonce.

Apple clients may send the nonce raw while the token carries its SHA-256 hex (or the reverse), so either matches.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import jwt

from promptsaas.adapters.security.defaults import APPLE_JWKS_URL, GOOGLE_JWKS_URL
from promptsaas.adapters.security.jwks import JwksKeys
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.oauth import IdTokenVerifier, VerifiedIdentity
from promptsaas.domain.errors import InvalidToken
from promptsaas.domain.users import IdentityProvider

ALGORITHMS = ["RS256"]
GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})
APPLE_ISSUERS = frozenset({"https://appleid.apple.com"})
CLOCK_SKEW_SECONDS = 60


@dataclass(frozen=True, slots=True)
class OAuthProvider:
    issuers: frozenset[str]
    client_ids: frozenset[str]
    keys: JwksKeys
    nonce_required: bool = False


def google_and_apple(
    *,
    google_client_ids: Collection[str] = (),
    apple_client_ids: Collection[str] = (),
    google_jwks_url: str = GOOGLE_JWKS_URL,
    apple_jwks_url: str = APPLE_JWKS_URL,
) -> dict[IdentityProvider, OAuthProvider]:
    """The two providers; one without client ids is not configured and refuses every token."""
    return {
        IdentityProvider.GOOGLE: OAuthProvider(GOOGLE_ISSUERS, frozenset(google_client_ids), JwksKeys(google_jwks_url)),
        IdentityProvider.APPLE: OAuthProvider(
            APPLE_ISSUERS, frozenset(apple_client_ids), JwksKeys(apple_jwks_url), nonce_required=True
        ),
    }


class JwksIdTokenVerifier(IdTokenVerifier):
    def __init__(self, providers: Mapping[IdentityProvider, OAuthProvider], clock: Clock) -> None:
        self._providers = dict(providers)
        self._clock = clock

    async def verify(self, provider: IdentityProvider, id_token: str, nonce: str | None) -> VerifiedIdentity:
        config = self._providers.get(provider)
        if config is None or not config.client_ids:
            raise InvalidToken(f"sign-in with {provider.value} is not configured")
        claims = self._decode(id_token, config, await self._key(id_token, config))
        self._check_expiry(claims)
        self._check_nonce(claims.get("nonce"), nonce, required=config.nonce_required)
        subject, email = claims["sub"], claims.get("email")
        if not isinstance(subject, str) or not subject:
            raise InvalidToken("the ID token names no subject")
        return VerifiedIdentity(
            subject,
            email if isinstance(email, str) else None,
            claims.get("email_verified") in (True, "true"),
            claims["name"] if isinstance(claims.get("name"), str) else "",
        )

    async def _key(self, id_token: str, config: OAuthProvider) -> jwt.PyJWK:
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError:
            raise InvalidToken("malformed ID token") from None
        kid = header.get("kid")
        if header.get("alg") not in ALGORITHMS or not isinstance(kid, str):
            raise InvalidToken("the ID token must be RS256-signed with a key id")
        key = await config.keys.key(kid)
        if key is None:
            raise InvalidToken("the ID token is signed with an unknown key")
        return key

    @staticmethod
    def _decode(id_token: str, config: OAuthProvider, key: jwt.PyJWK) -> dict[str, Any]:
        try:
            return jwt.decode(
                id_token,
                key,
                algorithms=ALGORITHMS,
                audience=sorted(config.client_ids),
                issuer=config.issuers,
                options={
                    "require": ["iss", "aud", "sub", "exp", "iat"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "enforce_minimum_key_length": True,
                },
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(f"the ID token was rejected ({_reason(error)})") from None

    def _check_expiry(self, claims: dict[str, Any]) -> None:
        expires = claims["exp"]
        now = self._clock.now().timestamp()
        if not isinstance(expires, int | float) or expires + CLOCK_SKEW_SECONDS <= now:
            raise InvalidToken("the ID token has expired")

    @staticmethod
    def _check_nonce(in_token: object, given: str | None, *, required: bool) -> None:
        if given is None:
            if required:
                raise InvalidToken("this provider needs the nonce the sign-in was started with")
            return
        hashed = hashlib.sha256(given.encode()).hexdigest()
        if not isinstance(in_token, str) or not any(_same(in_token, n) for n in (given, hashed)):
            raise InvalidToken("the ID token's nonce does not match")


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _reason(error: jwt.PyJWTError) -> str:
    """A short reason without token contents."""
    match error:
        case jwt.InvalidAudienceError():
            return "wrong audience"
        case jwt.InvalidIssuerError():
            return "wrong issuer"
        case jwt.InvalidSignatureError():
            return "bad signature"
        case jwt.MissingRequiredClaimError():
            return f"missing claim {error.claim}"
        case _:
            return "invalid token"
