"""What members see: their account, keys, plans, agents, runs, conversations and usage."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from promptsaas.entrypoints.http.schemas.auth import UserRead
from promptsaas.entrypoints.http.schemas.base import LimitRead, Read, Request

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]


class SubscriptionRead(Read):
    id: str
    plan: str
    status: str
    current_period_start: str
    current_period_end: str | None
    provider: str


class EntitlementsRead(Read):
    agents: list[str] | None
    channels: list[str] | None


class MeRead(Read):
    user: UserRead
    subscriptions: list[SubscriptionRead]
    entitlements: EntitlementsRead


class ApiKeyCreate(Request):
    name: Name


class ApiKeyRead(Read):
    id: str
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None
    revoked: bool


class ApiKeyCreated(ApiKeyRead):
    key: str


class PriceRead(Read):
    monthly: int | None
    yearly: int | None
    currency: str


class PlanLimitRead(Read):
    metric: str
    window: str
    amount: int | None


class PlanRead(Read):
    code: str
    name: str
    price: PriceRead | None
    agents: list[str] | None
    channels: list[str] | None
    limits: list[PlanLimitRead]
    byok: bool
    retention_days: int | None
    trial_days: int
    priority: int
    status: str
    public: bool
    default: bool = False


class AccessRead(Read):
    allowed: bool
    code: str


class AgentSummary(Read):
    slug: str
    name: str
    description: str
    access: AccessRead


class AgentDetail(Read):
    slug: str
    name: str
    description: str
    status: str
    styles: list[str]
    variables: dict[str, dict[str, Any]]
    model: str | None


class Attachment(Request):
    url: Annotated[str, msgspec.Meta(max_length=4096)] | None = None
    data: str | None = None
    mime_type: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class RunCreate(Request):
    input: Annotated[str, msgspec.Meta(min_length=1, max_length=100_000)]
    variables: dict[str, str | int | float | bool] | None = None
    style: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    conversation_id: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    attachments: list[Attachment] | None = None


class UsageRead(Read):
    input_tokens: int
    output_tokens: int
    cost_micros: int
    funding: str


class RunRead(Read):
    output: str
    conversation_id: str
    usage: UsageRead
    limits: list[LimitRead]
    model: str
    prompt_version: int


class ConversationRead(Read):
    id: str
    agent_id: str
    channel: str
    title: str
    created_at: str
    updated_at: str


class MessageRead(Read):
    role: str
    text: str
    images: int
    created_at: str


class ConversationDetail(ConversationRead):
    messages: list[MessageRead]


class PlanUsageRead(Read):
    plan: str
    limits: list[LimitRead]


class MyUsageRead(Read):
    plans: list[PlanUsageRead]


class ProviderKeyPut(Request):
    api_key: str


class ProviderKeyRead(Read):
    provider: str
    last4: str
    created_at: str
    invalid: bool
    """The provider rejected this key: it funds nothing until replaced."""
