"""Access tokens: short-lived, signed, and checked without a database read."""

from __future__ import annotations

from abc import abstractmethod
from typing import Protocol

from promptsaas.domain.credentials import AccessClaims
from promptsaas.domain.users import User


class TokenIssuer(Protocol):
    @abstractmethod
    def issue_access(self, user: User) -> tuple[str, int]:
        """A signed access token for the user and how many seconds it lives."""

    @abstractmethod
    def verify_access(self, token: str) -> AccessClaims:
        """The claims of a genuine, unexpired access token; `InvalidToken` for anything else."""
