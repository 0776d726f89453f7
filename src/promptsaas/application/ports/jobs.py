"""The lock that makes one job runner at a time across processes (a PostgreSQL advisory lock, a file lock beside
a SQLite database), held for as long as the runner runs and released when its process dies."""

from __future__ import annotations

from abc import abstractmethod
from typing import Protocol


class RunnerLock(Protocol):
    @abstractmethod
    async def try_acquire(self) -> bool:
        """Take the lock if no other process holds it; `True` once held (again: still held)."""

    @abstractmethod
    async def release(self) -> None: ...
