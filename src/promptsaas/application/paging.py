"""One page of a list: at most `limit` items after an opaque cursor. The database pages by the list's sort key
(keyset), never by OFFSET, so a page costs the same at the start and at the end of a 20,000-row list."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from promptsaas.domain.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR_LENGTH = 512

T = TypeVar("T")
Key = tuple[str | int, ...]
"""The sort key of a list's row: a slug, a code, a number, or (time as ISO text, id)."""


def bad_cursor() -> InvalidInput:
    return InvalidInput("the cursor is not one this list handed out", field="cursor", code="invalid_cursor")


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What a caller asks for; `after` is the decoded cursor, the sort key of the last item already seen."""

    limit: int = DEFAULT_LIMIT
    cursor: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be from 1 to {MAX_LIMIT}", field="limit", code="invalid_limit")
        if self.cursor is not None and not self.cursor:
            raise bad_cursor()

    @classmethod
    def of(cls, limit: int | None, cursor: str | None) -> PageRequest:
        """A shell's query parameters, either absent: the first page of the default size."""
        return cls(DEFAULT_LIMIT if limit is None else limit, cursor)

    def after(self, width: int) -> Key | None:
        """The decoded cursor, a key of `width` parts; anything else is `invalid_cursor`."""
        if self.cursor is None:
            return None
        if len(self.cursor) > MAX_CURSOR_LENGTH:
            raise bad_cursor()
        try:
            key = json.loads(base64.urlsafe_b64decode(self.cursor.encode() + b"=" * (-len(self.cursor) % 4)))
        except (binascii.Error, ValueError, UnicodeError) as error:
            raise bad_cursor() from error
        if not isinstance(key, list) or len(key) != width or not all(_part(p) for p in key):
            raise bad_cursor()
        return tuple(key)

    def after_time(self) -> tuple[datetime, str] | None:
        """A cursor of a list sorted by (time, id)."""
        key = self.after(2)
        if key is None:
            return None
        moment, row_id = key
        try:
            at = datetime.fromisoformat(str(moment))
        except ValueError as error:
            raise bad_cursor() from error
        if at.tzinfo is None or not isinstance(row_id, str):
            raise bad_cursor()
        return at, row_id

    def after_text(self) -> str | None:
        """A cursor of a list sorted by one text key (a slug, a code, a provider)."""
        key = self.after(1)
        if key is None:
            return None
        if not isinstance(key[0], str):
            raise bad_cursor()
        return key[0]

    def after_number(self) -> int | None:
        key = self.after(1)
        if key is None:
            return None
        if not isinstance(key[0], int):
            raise bad_cursor()
        return key[0]

    @property
    def probe(self) -> int:
        """How many rows to read: one more than the page, which only tells whether a next page exists."""
        return self.limit + 1


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    """Absent on the last page."""


def _part(value: object) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def encode(key: Key) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), separators=(",", ":")).encode()).decode().rstrip("=")


def time_key(at: datetime, row_id: str) -> Key:
    return (at.isoformat(), row_id)


def page_of(rows: Sequence[T], request: PageRequest, key: Callable[[T], Key]) -> Page[T]:
    """A page from the `request.probe` rows read after the cursor."""
    items = list(rows[: request.limit])
    more = len(rows) > request.limit
    return Page(items, encode(key(items[-1])) if more and items else None)


def slice_after(rows: Sequence[T], request: PageRequest, key: Callable[[T], Key]) -> Page[T]:
    """Page a short list already in memory and sorted by `key` (a tenant's plans, a user's provider keys, the
    model registry): lists whose size the product bounds, not the database."""
    if not rows:
        return Page([], None)
    width = len(key(rows[0]))
    after = request.after(width)
    if after is not None and any(type(a) is not type(k) for a, k in zip(after, key(rows[0]), strict=True)):
        raise bad_cursor()
    rest = [r for r in rows if after is None or key(r) > after]
    return page_of(rest[: request.probe], request, key)
