"""The HMAC keys that sign access tokens: the current one signs, older ones still verify until they are retired.

Each key is `kid:secret`, or just `secret` (its kid is then derived from a hash of the secret). To rotate, move the
current value into the old list unchanged and set a new current key; to retire a key, remove it from the list.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from promptsaas.adapters.security.local_secret import kept_secret

log = logging.getLogger("promptsaas.security")

MIN_SECRET_CHARS = 32
KID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class SigningKeyError(RuntimeError):
    """The signing keys are missing or unusable: a startup error, never raised while serving."""


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    secret: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class SigningKeys:
    current: SigningKey
    older: tuple[SigningKey, ...] = ()

    def by_kid(self) -> dict[str, SigningKey]:
        return {key.kid: key for key in (*self.older, self.current)}


def parse_key(value: str, *, source: str) -> SigningKey:
    value = value.strip()
    kid, separator, secret = value.partition(":")
    if not separator or not KID.match(kid):
        kid, secret = "k" + hashlib.sha256(value.encode()).hexdigest()[:12], value
    if len(secret) < MIN_SECRET_CHARS:
        raise SigningKeyError(f"{source}: a signing secret must be at least {MIN_SECRET_CHARS} characters")
    return SigningKey(kid, secret.encode())


def load_signing_keys(
    secret_key: str | None,
    old_keys: Sequence[str] = (),
    *,
    production: bool,
    key_file: Path | None = None,
) -> SigningKeys:
    """The configured keys; in development without a key, one generated once and kept in `key_file` (0600), or
    one living in memory only when `key_file` is `None` (an in-memory platform keeps nothing)."""
    if secret_key:
        current = parse_key(secret_key, source="PROMPTSAAS_SECRET_KEY")
    elif production:
        raise SigningKeyError("PROMPTSAAS_SECRET_KEY must be set in production (at least 32 random characters)")
    elif key_file is None:
        current = parse_key(f"memory:{_new_secret()}", source="a generated key")
    else:
        current = parse_key(kept_secret(key_file, _new_secret), source=str(key_file))
        log.warning("PROMPTSAAS_SECRET_KEY is not set: signing tokens with the development key in %s", key_file)
    older = tuple(parse_key(v, source="PROMPTSAAS_SECRET_KEYS_OLD") for v in old_keys if v.strip())
    if current.kid in {key.kid for key in older}:
        raise SigningKeyError(f"the key id {current.kid!r} is both the current key and an old one")
    return SigningKeys(current, older)


def _new_secret() -> str:
    return secrets.token_urlsafe(48)
