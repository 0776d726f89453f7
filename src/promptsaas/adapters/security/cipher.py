"""AES-256-GCM for secrets at rest (users' provider keys), with several keys by id so they can be rotated.

`PROMPTSAAS_ENCRYPTION_KEY` is a comma-separated list of `id:base64key` entries, each key 32 random bytes in
standard or URL-safe base64. The FIRST entry is the newest: it seals every write; the others only open what they
sealed. To rotate: put a new entry first, keep the old ones after it, run `promptsaas keys rotate`, then drop them.

A ciphertext is `nonce (96 random bits) || ciphertext || tag`, sealed with its row's owner as associated data, so
one moved to another row, or sealed by another key, does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from promptsaas.adapters.security.local_secret import kept_secret
from promptsaas.application.ports.secrets import SecretCipher, SecretUnreadable

log = logging.getLogger("promptsaas.security")

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
VARIABLE = "PROMPTSAAS_ENCRYPTION_KEY"


class EncryptionKeyError(RuntimeError):
    """The encryption keys are missing or unusable: a startup error, never raised while serving."""


class AesGcmCipher(SecretCipher):
    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        """`keys` as (id, 32 bytes), newest first."""
        if not keys:
            raise EncryptionKeyError("at least one encryption key is needed")
        self._current = keys[0][0]
        self._keys = {key_id: AESGCM(key) for key_id, key in keys}

    def encrypt(self, plaintext: str, associated_data: str) -> tuple[str, bytes]:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self._current].encrypt(nonce, plaintext.encode(), associated_data.encode())
        return self._current, nonce + sealed

    def decrypt(self, key_id: str, ciphertext: bytes, associated_data: str) -> str:
        key = self._keys.get(key_id)
        if key is None:
            raise SecretUnreadable(f"encryption key {key_id!r} is not configured in {VARIABLE}")
        if len(ciphertext) < NONCE_BYTES + TAG_BYTES:
            raise SecretUnreadable("the ciphertext is truncated")
        try:
            opened = key.decrypt(ciphertext[:NONCE_BYTES], ciphertext[NONCE_BYTES:], associated_data.encode())
        except InvalidTag:
            raise SecretUnreadable(f"the ciphertext does not open with encryption key {key_id!r} here") from None
        return opened.decode()

    def current_key_id(self) -> str:
        return self._current

    def __repr__(self) -> str:
        return f"AesGcmCipher(key_ids={list(self._keys)!r})"


def new_key_entry(key_id: str | None = None) -> str:
    """A fresh `id:base64key` entry for `PROMPTSAAS_ENCRYPTION_KEY`."""
    key_id = key_id or f"k{secrets.token_hex(4)}"
    if not KEY_ID.match(key_id):
        raise EncryptionKeyError(f"a key id is 1 to 64 of A-Z a-z 0-9 . _ -, got {key_id!r}")
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def parse_keys(spec: str, *, source: str = VARIABLE) -> list[tuple[str, bytes]]:
    """`id:base64key,...` (newest first); an entry without an id gets one derived from a hash of the key."""
    keys: list[tuple[str, bytes]] = []
    for number, entry in enumerate((e.strip() for e in spec.split(",")), start=1):
        if not entry:
            continue
        key_id, separator, encoded = entry.rpartition(":")
        if not separator:
            key_id, encoded = "", entry
        key = _decoded(encoded, f"{source}: entry {number}")
        key_id = key_id or "k" + hashlib.sha256(key).hexdigest()[:8]
        if not KEY_ID.match(key_id):
            raise EncryptionKeyError(f"{source}: entry {number} has an invalid key id (A-Z a-z 0-9 . _ -)")
        if key_id in {k for k, _ in keys}:
            raise EncryptionKeyError(f"{source}: the key id {key_id!r} is used twice")
        keys.append((key_id, key))
    if not keys:
        raise EncryptionKeyError(f"{source} holds no key")
    return keys


def load_cipher(spec: str | None, *, production: bool, key_file: Path | None = None) -> AesGcmCipher:
    """The configured keys; without any, an error in production, else a development key kept in `key_file`
    (0600), or one living in memory only when `key_file` is `None` (an in-memory platform keeps nothing)."""
    if spec:
        return AesGcmCipher(parse_keys(spec))
    if production:
        raise EncryptionKeyError(
            f"{VARIABLE} must be set in production: `promptsaas keys generate` prints an entry (id:base64key)"
        )
    if key_file is None:
        return AesGcmCipher(parse_keys(new_key_entry("memory")))
    keys = parse_keys(kept_secret(key_file, lambda: new_key_entry(f"dev-{secrets.token_hex(4)}")), source=str(key_file))
    log.warning("%s is not set: encrypting provider keys with the development key in %s", VARIABLE, key_file)
    return AesGcmCipher(keys)


def _decoded(encoded: str, where: str) -> bytes:
    try:
        key = base64.b64decode(encoded.replace("-", "+").replace("_", "/"), validate=True)
    except binascii.Error:
        raise EncryptionKeyError(f"{where}: the key is not base64") from None
    if len(key) != KEY_BYTES:
        raise EncryptionKeyError(f"{where}: an AES-256 key is {KEY_BYTES} bytes, this one is {len(key)}")
    return key
