"""Keyset paging over rows in memory, with the same meaning as the SQL adapters' `keyset.window`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def window(
    rows: Iterable[T], key: Callable[[T], Any], after: Any | None, limit: int | None, *, descending: bool = False
) -> list[T]:
    """The rows sorted by `key` (or reversed), from just past `after`, at most `limit`."""
    ordered = sorted(rows, key=key, reverse=descending)
    if after is not None:
        ordered = [r for r in ordered if (key(r) < after if descending else key(r) > after)]
    return ordered[:limit] if limit is not None else ordered
