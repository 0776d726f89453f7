"""The one paging contract of every list route: `?limit=` and `?cursor=` in, the array body and `X-Next-Cursor` out."""

from __future__ import annotations

from typing import Annotated, TypeVar

from litestar import Response
from litestar.datastructures import ResponseHeader
from litestar.openapi.spec import Example
from litestar.params import QueryParameter

from promptsaas.application.paging import DEFAULT_LIMIT, MAX_CURSOR_LENGTH, MAX_LIMIT, PageRequest

T = TypeVar("T")
NEXT_CURSOR = "X-Next-Cursor"
PAGED = ("invalid_limit", "invalid_cursor")
"""The problems every paged route adds to its own."""

PageLimit = Annotated[
    int | None,
    QueryParameter(
        description=f"How many items, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}); out of range is `invalid_limit`.",
        examples=[Example(value=DEFAULT_LIMIT)],
    ),
]
PageCursor = Annotated[
    str | None,
    QueryParameter(
        max_length=MAX_CURSOR_LENGTH,
        description="Where to go on: the `X-Next-Cursor` of the previous page, as it came (opaque).",
    ),
]
PAGE_HEADERS = [
    ResponseHeader(
        name=NEXT_CURSOR,
        documentation_only=True,
        description="The cursor of the next page; absent on the last page.",
    )
]


def page_request(limit: int | None, cursor: str | None) -> PageRequest:
    return PageRequest.of(limit, cursor)


def paged(items: list[T], next_cursor: str | None) -> Response[list[T]]:
    """The page's items as the body; the next page's cursor, when there is one, as `X-Next-Cursor`."""
    return Response(items, headers={NEXT_CURSOR: next_cursor} if next_cursor else None)
