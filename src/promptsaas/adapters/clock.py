"""The system clock and a time-ordered id generator (UUIDv7 layout)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from promptsaas.application.ports.clock import Clock, IdGenerator

RANDOM_BLOCK = 4090
"""Bytes of randomness asked of the operating system at once: 409 ids' worth."""


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class UuidV7Generator(IdGenerator):
    """UUIDv7: 48 bits of milliseconds, then randomness, so ids sort by creation time."""

    def new_id(self) -> str:
        millis = time.time_ns() // 1_000_000
        value = (millis & ((1 << 48) - 1)) << 80 | _RANDOMNESS.bits80()
        value = (value & ~(0xF << 76)) | (0x7 << 76)
        value = (value & ~(0x3 << 62)) | (0x2 << 62)
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class _Randomness:
    """80-bit numbers from the operating system's CSPRNG (`os.urandom`), drawn a block at a time: one system call
    per 409 ids instead of one per id. `list.pop` hands each number out once, whatever the thread; a forked child
    forgets its parent's numbers rather than repeat them."""

    def __init__(self) -> None:
        self._ready: list[int] = []

    def bits80(self) -> int:
        try:
            return self._ready.pop()
        except IndexError:
            block = os.urandom(RANDOM_BLOCK)
            self._ready.extend(int.from_bytes(block[i : i + 10], "big") for i in range(0, RANDOM_BLOCK, 10))
            return self._ready.pop()

    def forget(self) -> None:
        self._ready.clear()


_RANDOMNESS = _Randomness()
os.register_at_fork(after_in_child=_RANDOMNESS.forget)
