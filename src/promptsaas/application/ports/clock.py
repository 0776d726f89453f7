"""Time and identity generation, as ports so the core stays deterministic under test."""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    @abstractmethod
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""


class IdGenerator(Protocol):
    @abstractmethod
    def new_id(self) -> str:
        """A new opaque, unique, roughly time-ordered id."""
