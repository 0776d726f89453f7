"""Verifying the ID token an OAuth provider (Google, Apple) gave to the client."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Protocol

from promptsaas.domain.users import IdentityProvider


@dataclass(frozen=True, slots=True)
class VerifiedIdentity:
    """Who the provider vouches for: `subject` is stable per provider; the email may change or be unverified."""

    subject: str
    email: str | None
    email_verified: bool
    name: str = ""


class IdTokenVerifier(Protocol):
    @abstractmethod
    async def verify(self, provider: IdentityProvider, id_token: str, nonce: str | None) -> VerifiedIdentity:
        """Check signature, issuer, audience, expiry (and nonce); `InvalidToken` when any check fails."""


class AuthorizationCodeFlow(Protocol):
    """The provider's side of a browser sign-in (OpenID Connect authorization code with PKCE)."""

    @abstractmethod
    def configured(self) -> tuple[IdentityProvider, ...]:
        """The providers a browser may sign in with (client id and secret set)."""

    @abstractmethod
    def authorization_url(
        self, provider: IdentityProvider, *, redirect_uri: str, state: str, nonce: str, code_challenge: str
    ) -> str:
        """Where the browser goes to sign in with the provider."""

    @abstractmethod
    async def exchange(self, provider: IdentityProvider, *, code: str, redirect_uri: str, code_verifier: str) -> str:
        """The ID token the provider's token endpoint gives for `code`; `InvalidToken` when it refuses."""
