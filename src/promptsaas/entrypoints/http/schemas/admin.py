"""Tenant admin requests and responses."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from promptsaas.entrypoints.http.schemas.base import Read, Request

Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Text = Annotated[str, msgspec.Meta(max_length=2000)]
AgentStatusIn = Literal["draft", "published", "retired"]


class AgentCreate(Request):
    slug: Slug
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    description: Text = ""
    status: AgentStatusIn = "draft"
    history_turns: Annotated[int, msgspec.Meta(ge=0, le=100)] = 6
    styles: dict[str, Text] = {}


class AgentUpdate(Request):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)] | None = None
    description: Text | None = None
    status: AgentStatusIn | None = None
    history_turns: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    styles: dict[str, Text] | None = None


class AgentAdminRead(Read):
    id: str
    slug: str
    name: str
    description: str
    status: str
    history_turns: int
    styles: dict[str, str]
    active_version: int | None
    created_at: str


class VersionCreate(Request):
    system: Annotated[str, msgspec.Meta(min_length=1, max_length=100_000)]
    model: Annotated[str, msgspec.Meta(min_length=3, max_length=200)]
    user: Annotated[str, msgspec.Meta(max_length=100_000)] | None = None
    variables: dict[str, dict[str, Any]] | None = None
    params: dict[str, Any] | None = None
    note: Text = ""


class VersionRead(Read):
    number: int
    status: str
    system: str
    user: str | None
    model: str
    variables: dict[str, dict[str, Any]]
    params: dict[str, Any]
    author: str
    note: str
    created_at: str
    activated_from: int | None


class DiffRead(Read):
    a: int
    b: int
    diff: str


class LimitIn(Request):
    metric: Literal["requests", "tokens"]
    window: Literal["minute", "hour", "day", "month", "billing_period"]
    amount: Annotated[int, msgspec.Meta(ge=0)] | None


class PriceIn(Request):
    monthly: Annotated[int, msgspec.Meta(ge=0)] | None = None
    yearly: Annotated[int, msgspec.Meta(ge=0)] | None = None
    currency: Annotated[str, msgspec.Meta(min_length=3, max_length=3)] = "usd"


class PlanCreate(Request):
    code: Slug
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    agents: list[str] | None = None
    channels: list[Literal["web", "mobile", "api", "telegram", "whatsapp", "library", "cli"]] | None = None
    limits: list[LimitIn] = []
    price: PriceIn | None = None
    byok: bool = False
    retention_days: Annotated[int, msgspec.Meta(ge=1)] | None = None
    trial_days: Annotated[int, msgspec.Meta(ge=0)] = 0
    priority: int = 0
    public: bool = True


class PlanUpdate(Request):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)] | None = None
    limits: list[LimitIn] | None = None
    price: PriceIn | None = None
    byok: bool | None = None
    retention_days: Annotated[int, msgspec.Meta(ge=1)] | None = None
    priority: int | None = None
    status: Literal["active", "archived"] | None = None
    public: bool | None = None


class CatalogApplied(Read):
    changes: list[str]


class UserUpdate(Request):
    role: Literal["member", "admin"] | None = None
    status: Literal["active", "disabled"] | None = None


class GrantCreate(Request):
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    plan: Slug
    days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None


class AdminSubscriptionRead(Read):
    id: str
    user_id: str
    plan: str
    status: str
    current_period_start: str
    current_period_end: str | None
    provider: str


class UsageRowRead(Read):
    key: str
    requests: int
    input_tokens: int
    output_tokens: int
    cost_micros: int
    errors: int


class AuditRead(Read):
    id: str
    actor: str
    action: str
    target: str
    before: str
    after: str
    created_at: str


class ModelIn(Request):
    input_usd_per_mtok: Annotated[float, msgspec.Meta(ge=0)]
    output_usd_per_mtok: Annotated[float, msgspec.Meta(ge=0)]
    context_window: Annotated[int, msgspec.Meta(ge=1)] = 128_000
    vision: bool = False


class ModelRead(Read):
    id: str
    input_usd_per_mtok: str
    output_usd_per_mtok: str
    context_window: int
    vision: bool
