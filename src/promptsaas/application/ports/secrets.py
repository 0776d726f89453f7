"""Encrypting secrets at rest (users' provider keys): authenticated encryption bound to the owning row."""

from __future__ import annotations

from abc import abstractmethod
from typing import Protocol


class SecretUnreadable(Exception):
    """A ciphertext that does not decrypt: unknown encryption key, tampered bytes or another row's data.

    Its message names the encryption key id at most, never the secret nor the ciphertext.
    """


class SecretCipher(Protocol):
    @abstractmethod
    def encrypt(self, plaintext: str, associated_data: str) -> tuple[str, bytes]:
        """(id of the encryption key used, the newest; ciphertext)."""

    @abstractmethod
    def decrypt(self, key_id: str, ciphertext: bytes, associated_data: str) -> str:
        """The plaintext; raises `SecretUnreadable` unless the same key and associated data sealed it."""

    @abstractmethod
    def current_key_id(self) -> str:
        """The id of the key new writes use."""
