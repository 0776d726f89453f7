"""Password hashing."""

from __future__ import annotations

from abc import abstractmethod
from typing import Protocol


class PasswordHasher(Protocol):
    @abstractmethod
    def hash(self, password: str) -> str: ...

    @abstractmethod
    def verify(self, stored_hash: str, password: str) -> bool:
        """True when the password matches; never raises for a mismatch."""

    @abstractmethod
    def needs_rehash(self, stored_hash: str) -> bool:
        """True when the hash was made with weaker parameters than the current ones."""
