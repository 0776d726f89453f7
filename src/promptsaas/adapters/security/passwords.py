"""argon2id password hashing with at least OWASP's parameters (m=19 MiB, t=2, p=1)."""

from __future__ import annotations

from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from promptsaas.adapters.security.defaults import OWASP_MEMORY_KIB, OWASP_TIME_COST
from promptsaas.application.ports.security import PasswordHasher


class Argon2PasswordHasher(PasswordHasher):
    def __init__(self, memory_kib: int = OWASP_MEMORY_KIB, time_cost: int = OWASP_TIME_COST) -> None:
        self._argon = Argon2(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)

    def hash(self, password: str) -> str:
        return self._argon.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._argon.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        try:
            return self._argon.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True
