"""Column types both engines store the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import BigInteger, DateTime, Dialect, Integer
from sqlalchemy.types import TypeDecorator, TypeEngine

SQLITE_TEXT = "%04d-%02d-%02d %02d:%02d:%02d.%06d"
"""SQLAlchemy's SQLite DATETIME storage format."""


def json_text(value: Any) -> str:
    """The text of a JSON column's value, as both engines are told to write it (`json_serializer`): msgspec writes
    it compact in a tenth of `json.dumps`'s time (1.5 → 0.13 µs for a message's parts; a call writes four values).
    `json.loads` reads it as before, and rows written by `json.dumps` read the same."""
    return msgspec.json.encode(value).decode()


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out: SQLite stores naive UTC text, PostgreSQL `timestamptz`."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: times are timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any] | None:
        """On SQLite, `process_bind_param` and the dialect's own DATETIME formatting in one step, to the same text
        (a call binds about ten times, 2.4 µs each the two-step way, 0.9 µs this way)."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError(f"naive datetime {value!r}: times are timezone-aware UTC")
            u = value.astimezone(UTC)
            return SQLITE_TEXT % (u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond)

        return process

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def row_id() -> TypeEngine[Any]:
    """An auto-incrementing 64-bit key (SQLite only auto-increments an INTEGER PRIMARY KEY)."""
    return BigInteger().with_variant(Integer(), "sqlite")
