"""The base of every request struct: unknown fields are an error, never silently dropped."""

from __future__ import annotations

import msgspec


class Request(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A request body."""


class Read(msgspec.Struct, kw_only=True):
    """A response body."""


class Problem(Read, omit_defaults=True):
    """RFC 9457 problem details, with the stable machine `code`."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None
    limits: list[LimitRead] | None = None
    resets_at: str | None = None


class LimitRead(Read):
    metric: str
    window: str
    limit: int | None
    used: int
    remaining: int | None
    resets_at: str


class Health(Read):
    status: str
