"""The security adapters, built on first use: argon2, pyjwt and cryptography load only when a command or request
needs a password, a token or a sealed secret, so a read command of the CLI starts without them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from promptsaas.application.ports.clock import Clock, IdGenerator

if TYPE_CHECKING:
    from promptsaas.adapters.security.cipher import AesGcmCipher
    from promptsaas.adapters.security.oauth import JwksIdTokenVerifier
    from promptsaas.adapters.security.passwords import Argon2PasswordHasher
    from promptsaas.adapters.security.signing_keys import SigningKeys
    from promptsaas.adapters.security.tokens import JwtTokenIssuer


def password_hasher(*, memory_kib: int, time_cost: int) -> Argon2PasswordHasher:
    from promptsaas.adapters.security.passwords import Argon2PasswordHasher

    return Argon2PasswordHasher(memory_kib=memory_kib, time_cost=time_cost)


def signing_keys(
    secret_key: str | None, old_keys: Sequence[str], *, production: bool, key_file: Path | None
) -> SigningKeys:
    from promptsaas.adapters.security.signing_keys import load_signing_keys

    return load_signing_keys(secret_key, old_keys, production=production, key_file=key_file)


def token_issuer(
    keys: Callable[[], SigningKeys], clock: Clock, ids: IdGenerator, *, issuer: str, audience: str, ttl_seconds: int
) -> JwtTokenIssuer:
    from promptsaas.adapters.security.tokens import JwtTokenIssuer

    return JwtTokenIssuer(keys, clock, ids, issuer=issuer, audience=audience, ttl_seconds=ttl_seconds)


def id_token_verifier(
    clock: Clock,
    *,
    google_client_ids: Collection[str],
    apple_client_ids: Collection[str],
    google_jwks_url: str,
    apple_jwks_url: str,
) -> JwksIdTokenVerifier:
    from promptsaas.adapters.security.oauth import JwksIdTokenVerifier, google_and_apple

    providers = google_and_apple(
        google_client_ids=google_client_ids,
        apple_client_ids=apple_client_ids,
        google_jwks_url=google_jwks_url,
        apple_jwks_url=apple_jwks_url,
    )
    return JwksIdTokenVerifier(providers, clock)


def secret_cipher(spec: str | None, *, production: bool, key_file: Path | None) -> AesGcmCipher:
    from promptsaas.adapters.security.cipher import load_cipher

    return load_cipher(spec, production=production, key_file=key_file)
