"""JWT access tokens and mail link tokens (pyjwt): HS256 only, `kid` names the signing key, `iss`/`aud`/`typ`/`exp`
always checked. A link token's audience is its purpose, so no link passes as an access token or as another link.

Expiry is checked against the `Clock` port (not the wall clock inside pyjwt), so issuing and verifying agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import jwt

from promptsaas.adapters.security.signing_keys import SigningKeys
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.tokens import LinkSigner, TokenIssuer
from promptsaas.domain.credentials import AccessClaims
from promptsaas.domain.errors import InvalidLink, InvalidToken
from promptsaas.domain.users import Role, User

ALGORITHMS = ["HS256"]
ACCESS = "access"
ACCESS_TOKEN_TTL_SECONDS = 15 * 60
REQUIRED_CLAIMS = ["iss", "aud", "sub", "tid", "role", "typ", "exp", "iat", "jti"]


class JwtTokenIssuer(TokenIssuer, LinkSigner):
    """`keys` is called on first use, so shells that never handle a token need no secret."""

    def __init__(
        self,
        keys: Callable[[], SigningKeys],
        clock: Clock,
        ids: IdGenerator,
        *,
        issuer: str,
        audience: str,
        ttl_seconds: int = ACCESS_TOKEN_TTL_SECONDS,
    ) -> None:
        self._load_keys = keys
        self._keys: SigningKeys | None = None
        self._clock = clock
        self._ids = ids
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl_seconds

    def issue_access(self, user: User) -> tuple[str, int]:
        issued_at = int(self._clock.now().timestamp())
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": user.id,
            "tid": user.tenant_id,
            "role": user.role.value,
            "typ": ACCESS,
            "iat": issued_at,
            "exp": issued_at + self._ttl,
            "jti": self._ids.new_id(),
            "ep": user.token_epoch,
        }
        current = self._signing_keys().current
        token = jwt.encode(claims, current.secret, algorithm=ALGORITHMS[0], headers={"kid": current.kid})
        return token, self._ttl

    def verify_access(self, token: str) -> AccessClaims:
        claims = self._decode(token)
        if claims["typ"] != ACCESS:
            raise InvalidToken("not an access token")
        expires = claims["exp"]
        if not isinstance(expires, int) or expires <= self._clock.now().timestamp():
            raise InvalidToken("the access token has expired")
        try:
            role = Role(claims["role"])
        except ValueError:
            raise InvalidToken() from None
        subject, tenant, jti, epoch = claims["sub"], claims["tid"], claims["jti"], claims.get("ep", 0)
        if not (isinstance(subject, str) and isinstance(tenant, str) and isinstance(jti, str)):
            raise InvalidToken()
        if not isinstance(epoch, int) or isinstance(epoch, bool):
            raise InvalidToken()
        try:
            expires_at = datetime.fromtimestamp(expires, UTC)
        except (OverflowError, OSError, ValueError):  # a signed `exp` past any date (year 10000 and on)
            raise InvalidToken() from None
        return AccessClaims(subject, tenant, role, jti, expires_at, epoch)

    def sign_link(self, purpose: str, claims: Mapping[str, str | int], ttl_seconds: int) -> str:
        issued_at = int(self._clock.now().timestamp())
        body = {**claims, "iss": self._issuer, "aud": f"{self._audience}:{purpose}", "typ": purpose}
        body.update(iat=issued_at, exp=issued_at + ttl_seconds)
        current = self._signing_keys().current
        return jwt.encode(body, current.secret, algorithm=ALGORITHMS[0], headers={"kid": current.kid})

    def verify_link(self, purpose: str, token: str) -> dict[str, Any]:
        try:
            claims = self._decode(token, audience=f"{self._audience}:{purpose}", required=["iss", "aud", "exp"])
        except InvalidToken:
            raise InvalidLink() from None
        expires = claims["exp"]
        if claims.get("typ") != purpose or not isinstance(expires, int) or expires <= self._clock.now().timestamp():
            raise InvalidLink()
        return claims

    def _signing_keys(self) -> SigningKeys:
        if self._keys is None:
            self._keys = self._load_keys()
        return self._keys

    def _decode(self, token: str, *, audience: str | None = None, required: list[str] | None = None) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            kid = header.get("kid")
            key = self._signing_keys().by_kid().get(kid) if isinstance(kid, str) else None
            if key is None or header.get("alg") not in ALGORITHMS:
                raise InvalidToken()
            return jwt.decode(
                token,
                key.secret,
                algorithms=ALGORITHMS,
                audience=audience or self._audience,
                issuer=self._issuer,
                options={
                    "require": required or REQUIRED_CLAIMS,
                    "verify_exp": False,
                    "verify_iat": False,
                    "strict_aud": True,
                    "enforce_minimum_key_length": True,
                },
            )
        except jwt.PyJWTError:
            raise InvalidToken() from None
