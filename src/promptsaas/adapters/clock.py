"""The system clock and a time-ordered id generator (UUIDv7 layout)."""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime

from promptsaas.application.ports.clock import Clock, IdGenerator


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class UuidV7Generator(IdGenerator):
    """UUIDv7: 48 bits of milliseconds, then randomness, so ids sort by creation time."""

    def new_id(self) -> str:
        millis = time.time_ns() // 1_000_000
        rand = int.from_bytes(os.urandom(10), "big")
        value = (millis & ((1 << 48) - 1)) << 80 | rand & ((1 << 80) - 1)
        value = (value & ~(0xF << 76)) | (0x7 << 76)
        value = (value & ~(0x3 << 62)) | (0x2 << 62)
        return str(uuid.UUID(int=value))
