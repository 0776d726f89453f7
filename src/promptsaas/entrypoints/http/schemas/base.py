"""The base of every request struct (unknown fields are an error, never silently dropped), and what every
schema shares: `about` gives a field its description and a real example for the OpenAPI document."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec


def about(description: str, example: Any) -> msgspec.Meta:
    """A field's documentation: what it means, and one realistic value."""
    return msgspec.Meta(description=description, examples=[example])


Id = Annotated[str, about("The object's opaque id (a UUIDv7)", "0193a5b2-7c1e-7d3a-9f10-3c4d5e6f7a8b")]
CreatedAt = Annotated[str, about("When it was created (ISO 8601, UTC)", "2026-01-15T09:30:00+00:00")]
UserId = Annotated[str, about("The user's id", "0193a5b2-1f2e-7a4b-8c9d-0e1f2a3b4c5d")]
PlanCode = Annotated[str, about("The plan's code", "pro")]
Metric = Annotated[str, about("What the limit counts: `requests` or `tokens`", "requests")]
Window = Annotated[str, about("The window: `minute`, `hour`, `day`, `month`, `billing_period` or `grant`", "month")]
Amount = Annotated[int | None, about("The most the window allows; `null` for unlimited", 1000)]


class Request(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A request body."""


class Read(msgspec.Struct, kw_only=True):
    """A response body."""


class LimitRead(Read):
    metric: Metric
    window: Window
    limit: Amount
    used: Annotated[int, about("How much of the window is used, reservations in flight included", 42)]
    remaining: Annotated[int | None, about("What is left in the window; `null` when unlimited", 958)]
    resets_at: Annotated[str, about("When the window starts over (ISO 8601, UTC)", "2026-02-01T00:00:00+00:00")]


class Problem(Read, omit_defaults=True):
    """RFC 9457 problem details, with the stable machine `code`."""

    type: Annotated[str, about("A URI naming the problem type", "https://promptsaas.dev/problems/quota_exceeded")]
    title: Annotated[str, about("The HTTP status in words", "Payment required")]
    status: Annotated[int, about("The HTTP status code", 402)]
    detail: Annotated[str, about("What went wrong, for a human", "the monthly request limit of plan 'free' is used up")]
    code: Annotated[str, about("The stable machine code (see the problem codes table)", "quota_exceeded")]
    field: Annotated[str | None, about("The input field at fault, for invalid input", "email")] = None
    limits: Annotated[list[LimitRead] | None, about("For a denial: every limit that applies", [])] = None
    resets_at: Annotated[
        str | None, about("For a denial: when the exhausted limit resets (ISO 8601)", "2026-02-01T00:00:00+00:00")
    ] = None
    request_id: Annotated[
        str | None, about("The request's id (its X-Request-ID), to quote when reporting it", "0b9f3c1e4d2a")
    ] = None


class Health(Read):
    status: Annotated[str, about("`ok` (the process is up) or `ready` (the database answers)", "ok")]
