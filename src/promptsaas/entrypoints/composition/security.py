"""The security adapters, built on first use: argon2, pyjwt and cryptography load only when a command or request
needs a password, a token or a sealed secret, so a read command of the CLI starts without them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.domain.users import IdentityProvider

if TYPE_CHECKING:
    from promptsaas.adapters.security.cipher import AesGcmCipher
    from promptsaas.adapters.security.oauth import JwksIdTokenVerifier
    from promptsaas.adapters.security.oauth_code import HttpAuthorizationCodeFlow
    from promptsaas.adapters.security.passwords import Argon2PasswordHasher
    from promptsaas.adapters.security.signing_keys import SigningKeys
    from promptsaas.adapters.security.tokens import JwtTokenIssuer
    from promptsaas.entrypoints.composition.settings import Settings


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


def authorization_code_flow(settings: Settings) -> HttpAuthorizationCodeFlow:
    """Google's web client when its secret is set, Apple's when its key is; the first client id is the web one."""
    from promptsaas.adapters.security.oauth_code import HttpAuthorizationCodeFlow, apple_client, google_client

    clients = {}
    if settings.google_client_ids and settings.google_client_secret:
        clients[IdentityProvider.GOOGLE] = google_client(
            settings.google_client_ids[0],
            settings.google_client_secret,
            authorize_url=settings.google_authorize_url,
            token_url=settings.google_token_url,
        )
    if (
        settings.apple_client_ids
        and settings.apple_team_id
        and settings.apple_key_id
        and settings.apple_private_key_file
    ):
        clients[IdentityProvider.APPLE] = apple_client(
            settings.apple_client_ids[0],
            team_id=settings.apple_team_id,
            key_id=settings.apple_key_id,
            private_key_file=Path(settings.apple_private_key_file),
            authorize_url=settings.apple_authorize_url,
            token_url=settings.apple_token_url,
        )
    return HttpAuthorizationCodeFlow(clients)
