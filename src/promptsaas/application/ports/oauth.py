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
