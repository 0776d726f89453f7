"""Credentials besides passwords: refresh tokens, API keys and the claims an access token carries.

Secrets are never stored: only their SHA-256 hash, so a leaked table grants nothing. The random bytes come from
the caller; this module only gives them their shape.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from promptsaas.domain.users import Role

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SECRET_BYTES = 32
SECRET_CHARS = 43
"""Both `secrets.token_urlsafe(32)` and 32 bytes in base62 are 43 characters long."""

API_KEY_PREFIX = "psk_"
API_KEY_VISIBLE = 8
API_KEY_SHAPE = re.compile(rf"^{API_KEY_PREFIX}[0-9A-Za-z]{{{SECRET_CHARS}}}$")
REFRESH_TOKEN_PREFIX = "rt_"
URLSAFE = re.compile(rf"^[A-Za-z0-9_-]{{{SECRET_CHARS}}}$")


def encode_base62(data: bytes) -> str:
    """Big-endian base62, left-padded to the length the input size can need (43 characters for 32 bytes)."""
    width = 0
    while 62**width < 256 ** len(data):
        width += 1
    number = int.from_bytes(data, "big")
    chars = []
    while number:
        number, digit = divmod(number, 62)
        chars.append(BASE62[digit])
    return "".join(reversed(chars)).rjust(width, BASE62[0])


def hash_secret(secret: str) -> str:
    """SHA-256 hex: enough for high-entropy random secrets (passwords need argon2, these do not)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def seal_successor(presented: str, pair: str) -> bytes:
    """The pair a refresh token was rotated into, readable only with that token (a SHAKE-256 pad of it), so a
    client retrying a refresh inside the grace window gets the same pair while the table still holds no secret."""
    data = pair.encode()
    pad = hashlib.shake_256(b"successor:" + presented.encode()).digest(len(data))
    return bytes(a ^ b for a, b in zip(data, pad, strict=True))


def open_successor(presented: str, sealed: bytes) -> str:
    pad = hashlib.shake_256(b"successor:" + presented.encode()).digest(len(sealed))
    return bytes(a ^ b for a, b in zip(sealed, pad, strict=True)).decode()


def api_key_from(random_bytes: bytes) -> str:
    return API_KEY_PREFIX + encode_base62(random_bytes)


def is_api_key(key: str) -> bool:
    return bool(API_KEY_SHAPE.match(key))


def refresh_token_from(tenant_id: str, urlsafe_secret: str) -> str:
    """`rt_<tenant_id>_<43 url-safe characters>`: the token names its tenant, so lookups stay tenant-scoped."""
    return f"{REFRESH_TOKEN_PREFIX}{tenant_id}_{urlsafe_secret}"


def tenant_of_refresh_token(token: str) -> str | None:
    """The tenant a refresh token names, or None when the string does not have a refresh token's shape."""
    if not token.startswith(REFRESH_TOKEN_PREFIX) or len(token) > 512:
        return None
    body = token[len(REFRESH_TOKEN_PREFIX) :]
    head, secret = body[:-SECRET_CHARS], body[-SECRET_CHARS:]
    if len(head) < 2 or not head.endswith("_") or not URLSAFE.match(secret):
        return None
    return head[:-1]


@dataclass(slots=True)
class RefreshToken:
    """One link of a session's rotation chain; every token rotated from the same sign-in shares a family."""

    id: str
    tenant_id: str
    user_id: str
    family_id: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None
    successor: bytes | None = None
    """The pair this token was rotated into, sealed with the token itself (`seal_successor`)."""

    @property
    def was_spent(self) -> bool:
        """Used or revoked: presenting it again means someone replays it."""
        return self.used_at is not None or self.revoked_at is not None


@dataclass(slots=True)
class ApiKey:
    """A named, revocable key acting for its user on the `api` channel; `prefix` is what the user sees later."""

    id: str
    tenant_id: str
    user_id: str
    name: str
    prefix: str
    key_hash: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """What a verified access token says; the user is still loaded, so a disabled user is refused at once."""

    user_id: str
    tenant_id: str
    role: Role
    jti: str
    expires_at: datetime
    epoch: int = 0
    """The user's token epoch when it was issued; an older one than the user's is refused."""
