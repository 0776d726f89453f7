"""Access tokens: short-lived, signed, and checked without a database read."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from typing import Any, Protocol

from promptsaas.domain.credentials import AccessClaims
from promptsaas.domain.users import User


class TokenIssuer(Protocol):
    @abstractmethod
    def issue_access(self, user: User) -> tuple[str, int]:
        """A signed access token for the user and how many seconds it lives."""

    @abstractmethod
    def verify_access(self, token: str) -> AccessClaims:
        """The claims of a genuine, unexpired access token; `InvalidToken` for anything else."""


class LinkSigner(Protocol):
    """Signed, expiring claims for links sent by mail (verify an email, reset a password, accept an invite)."""

    @abstractmethod
    def sign_link(self, purpose: str, claims: Mapping[str, str | int], ttl_seconds: int) -> str: ...

    @abstractmethod
    def verify_link(self, purpose: str, token: str) -> dict[str, Any]:
        """The claims of a genuine, unexpired link token of this purpose; `InvalidLink` for anything else."""
