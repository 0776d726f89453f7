"""Keyset paging: the rows after the last one seen, in the list's order, so the database reads one page (no OFFSET)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_

S = TypeVar("S", bound=Select[Any])


def beyond(
    columns: Sequence[ColumnElement[Any]], key: Sequence[Any], *, descending: bool = False
) -> ColumnElement[bool]:
    """`(c1, c2, …) > (k1, k2, …)` (or `<`) spelled out, so each value binds with its column's type."""
    first, *rest = columns
    head, *tail = key
    past: ColumnElement[bool] = first < head if descending else first > head
    if not rest:
        return past
    return or_(past, and_(first == head, beyond(rest, tail, descending=descending)))


def window(
    statement: S,
    columns: Sequence[ColumnElement[Any]],
    key: Sequence[Any] | None,
    limit: int | None,
    *,
    descending: bool = False,
) -> S:
    """The statement (already ordered by `columns`) from just past `key`, at most `limit` rows."""
    if key is not None:
        statement = statement.where(beyond(columns, key, descending=descending))
    return statement.limit(limit) if limit is not None else statement
