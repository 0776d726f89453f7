"""What members see: their account, keys, plans, agents, runs, conversations and usage."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from promptsaas.entrypoints.http.schemas.auth import UserRead
from promptsaas.entrypoints.http.schemas.base import (
    Amount,
    CreatedAt,
    Id,
    LimitRead,
    Metric,
    PlanCode,
    Read,
    Request,
    Window,
    about,
)

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Moment = Annotated[str | None, about("When (ISO 8601, UTC); `null` for never", "2026-01-20T18:04:11+00:00")]
AgentSlug = Annotated[str, about("The agent's slug, its name in URLs", "tutor")]
AgentName = Annotated[str, about("The agent's display name", "Math tutor")]
AgentDescription = Annotated[str, about("What the agent does", "Explains school maths step by step.")]
Limits = Annotated[list[LimitRead], Meta(description="Every applicable limit with used / remaining / resets_at")]
Variables = Annotated[
    dict[str, dict[str, Any]],
    about("The prompt's declared variables by name: type, required, default", {"level": {"type": "string"}}),
]


class SubscriptionRead(Read):
    id: Id
    plan: PlanCode
    status: Annotated[str, about("`trialing`, `active`, `past_due`, `canceled` or `expired`", "active")]
    current_period_start: Annotated[str, about("When the period began (ISO 8601)", "2026-01-01T00:00:00+00:00")]
    current_period_end: Moment
    provider: Annotated[str, about("Who bills it: `manual`, `stripe`, `telegram_stars`…", "manual")]


class EntitlementsRead(Read):
    agents: Annotated[list[str] | None, about("The agents you may use; `null` for all", ["tutor", "writer"])]
    channels: Annotated[list[str] | None, about("The channels you may use; `null` for all", ["web", "api"])]


class PackRead(Read):
    subscription_id: Id
    plan: PlanCode
    expires_at: Annotated[
        str | None, about("When what is left expires (ISO 8601); `null` for never", "2026-02-19T00:00:00+00:00")
    ]
    limits: Annotated[list[LimitRead], Meta(description="The pack's balance: used and remaining on each limit")]


class MeRead(Read):
    user: Annotated[UserRead, Meta(description="You")]
    subscriptions: Annotated[list[SubscriptionRead], Meta(description="Your subscriptions, of every status")]
    entitlements: Annotated[EntitlementsRead, Meta(description="What your active subscriptions grant")]
    packs: Annotated[list[PackRead], Meta(description="Your credit packs in force, soonest-expiring first")]


class ApiKeyCreate(Request):
    name: Annotated[Name, about("A name to tell your keys apart", "CI pipeline")]


class ApiKeyRead(Read):
    id: Id
    name: Annotated[str, about("The key's name", "CI pipeline")]
    prefix: Annotated[str, about("The key's first characters, to recognise it", "psk_7Hq2")]
    created_at: CreatedAt
    last_used_at: Moment
    revoked: Annotated[bool, about("The key was revoked and authenticates nothing", False)]


class ApiKeyCreated(ApiKeyRead):
    key: Annotated[str, about("The key itself, shown in this response only", "psk_7Hq2mV4pL9sT1wY6nB3cR7dF0gH5jKx8")]


class PriceRead(Read):
    monthly: Annotated[int | None, about("Monthly price in minor units (cents); `null` if not sold monthly", 900)]
    yearly: Annotated[int | None, about("Yearly price in minor units; `null` if not sold yearly", 9000)]
    currency: Annotated[str, about("ISO 4217 currency, lower case", "usd")]


class PlanLimitRead(Read):
    metric: Metric
    window: Window
    amount: Amount


class PlanRead(Read):
    code: PlanCode
    name: Annotated[str, about("The plan's display name", "Pro")]
    price: Annotated[PriceRead | None, Meta(description="Its prices; `null` for a free plan")]
    agents: Annotated[list[str] | None, about("The agents it grants; `null` for all", ["tutor", "writer"])]
    channels: Annotated[list[str] | None, about("The channels it allows; `null` for all", ["web", "mobile", "api"])]
    limits: Annotated[list[PlanLimitRead], Meta(description="Its usage limits")]
    byok: Annotated[bool, about("Your own provider key funds calls once its quota is used up", True)]
    retention_days: Annotated[int | None, about("Days conversation content is kept; `null` for ever", 30)]
    trial_days: Annotated[int, about("Days of free trial for a new subscriber", 7)]
    priority: Annotated[int, about("Higher plans fund a call first", 10)]
    status: Annotated[str, about("`active` or `archived` (off sale)", "active")]
    public: Annotated[bool, about("Listed in `GET /v1/plans`", True)]
    default: Annotated[bool, about("The plan every new member gets", False)] = False


class AccessRead(Read):
    allowed: Annotated[bool, about("You may use the agent now", False)]
    code: Annotated[str, about("The policy's reason code: `ok`, or why not", "agent_not_in_plan")]


class AgentSummary(Read):
    slug: AgentSlug
    name: AgentName
    description: AgentDescription
    access: Annotated[AccessRead, Meta(description="Whether you may use it now, and why not")]


class AgentDetail(Read):
    slug: AgentSlug
    name: AgentName
    description: AgentDescription
    status: Annotated[str, about("`draft`, `published` or `retired`", "published")]
    styles: Annotated[list[str], about("Names of the styles a run may pick", ["concise", "socratic"])]
    variables: Variables
    model: Annotated[str | None, about("The model of the active version, `provider:model`", "openai:gpt-4o-mini")]


class Attachment(Request):
    url: (
        Annotated[
            str,
            about(
                "An http(s) URL of an image on a public host (at most 4096 characters), or the image itself as a "
                "`data:image/png;base64,...` URL",
                "https://example.com/triangle.png",
            ),
        ]
        | None
    ) = None
    data: (
        Annotated[str, about("The image as base64, instead of a URL (never both)", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB")]
        | None
    ) = None
    mime_type: (
        Annotated[str, msgspec.Meta(max_length=100), about("The image type, required with `data`", "image/png")] | None
    ) = None


class RunCreate(Request):
    input: Annotated[
        str, msgspec.Meta(min_length=1, max_length=100_000), about("Your message to the agent", "What is 2+2?")
    ]
    variables: Annotated[
        dict[str, str | int | float | bool] | None, about("Values for the prompt's variables", {"level": "beginner"})
    ] = None
    style: Annotated[str, msgspec.Meta(max_length=100), about("One of the agent's styles", "concise")] | None = None
    conversation_id: (
        Annotated[
            str,
            msgspec.Meta(max_length=64),
            about("Continue this conversation", "0193a5b3-0a1b-7c2d-8e3f-4a5b6c7d8e9f"),
        ]
        | None
    ) = None
    attachments: Annotated[list[Attachment] | None, Meta(description="Images for a model that reads them")] = None


class UsageRead(Read):
    input_tokens: Annotated[int, about("Tokens sent to the model", 412)]
    output_tokens: Annotated[int, about("Tokens the model answered with", 96)]
    cost_micros: Annotated[int, about("What the call cost, in micro-USD", 120)]
    funding: Annotated[str, about("Who paid: `plan` or `byok` (your own key)", "plan")]


class RunRead(Read):
    text: Annotated[str, about("The agent's reply", "2 + 2 = 4.")]
    conversation_id: Annotated[str, about("The conversation, to continue it", "0193a5b3-0a1b-7c2d-8e3f-4a5b6c7d8e9f")]
    usage: Annotated[UsageRead, Meta(description="What the call used and who paid")]
    limits: Limits
    model: Annotated[str, about("The model that answered, `provider:model`", "openai:gpt-4o-mini")]
    prompt_version: Annotated[int, about("The agent's prompt version that answered", 3)]
    finish_reason: Annotated[
        str, about("Why the reply ended: `stop`, `length` (cut at the output budget) or `content_filter`", "stop")
    ]


class ConversationRead(Read):
    id: Id
    agent_id: Annotated[str, about("The agent's id", "0193a5b2-5d6e-7f80-9a1b-2c3d4e5f6a7b")]
    channel: Annotated[str, about("Where it happened: `web`, `mobile`, `api`, `telegram`…", "web")]
    title: Annotated[str, about("The start of its first message", "What is 2+2?")]
    created_at: CreatedAt
    updated_at: Annotated[str, about("When its last message came (ISO 8601, UTC)", "2026-01-20T18:04:11+00:00")]


class MessageRead(Read):
    role: Annotated[str, about("`user` or `assistant`", "user")]
    text: Annotated[str, about("The message's text", "What is 2+2?")]
    images: Annotated[int, about("How many images it carried", 0)]
    created_at: CreatedAt
    finish_reason: Annotated[
        str | None,
        about(
            "How the model ended a reply: `stop`, `length` (cut at the output budget) or `content_filter`; null for "
            "your messages and for replies stored before it was kept",
            None,
        ),
    ] = None


class ConversationDetail(ConversationRead):
    messages: Annotated[list[MessageRead], Meta(description="Its messages, in order")]


class PlanUsageRead(Read):
    plan: PlanCode
    limits: Limits


class MyUsageRead(Read):
    plans: Annotated[list[PlanUsageRead], Meta(description="Each active plan with its limits")]


class ProviderKeyPut(Request):
    api_key: Annotated[str, about("Your key for the provider", "sk-proj-Xa81bQ4mZ7")]


class ProviderKeyRead(Read):
    provider: Annotated[str, about("The LLM provider", "openai")]
    last4: Annotated[str, about("The key's last four characters", "bQ4m")]
    created_at: CreatedAt
    invalid: Annotated[bool, about("The provider rejected this key: it funds nothing until replaced", False)]
