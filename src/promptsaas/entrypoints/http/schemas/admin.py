"""Tenant admin requests and responses."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from promptsaas.domain.bounds import (
    MAX_CONTEXT_WINDOW,
    MAX_COUNT,
    MAX_DAYS,
    MAX_NAME,
    MAX_NOTE,
    MAX_PRIORITY,
    MAX_USD_PER_MTOK,
)
from promptsaas.entrypoints.http.schemas.base import CreatedAt, Id, PlanCode, Read, Request, UserId, about

Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Text = Annotated[str, msgspec.Meta(max_length=MAX_NOTE)]
AgentStatusIn = Literal["draft", "published", "retired"]
AgentName = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME), about("The display name", "Math tutor")]
Description = Annotated[Text, about("What the agent does", "Explains school maths step by step.")]
AgentStatus = Annotated[AgentStatusIn, about("`draft`, `published` (members see it) or `retired`", "published")]
HistoryTurns = Annotated[
    int, msgspec.Meta(ge=0, le=100), about("How many earlier turns of a conversation are sent to the model", 6)
]
Styles = Annotated[dict[str, Text], about("Named prompt fragments a run may pick", {"concise": "Answer briefly."})]
PlanName = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME), about("The display name", "Pro")]
Limits = Annotated[list["LimitIn"], Meta(description="Usage limits; a call must fit every one")]
Byok = Annotated[bool, about("The member's own provider key funds calls once the quota is used up", True)]
RetentionDays = Annotated[int, msgspec.Meta(ge=1, le=MAX_DAYS), about("Days conversation content is kept", 30)]
Priority = Annotated[int, msgspec.Meta(ge=-MAX_PRIORITY, le=MAX_PRIORITY), about("Higher plans fund a call first", 10)]
Public = Annotated[bool, about("Listed in `GET /v1/plans`", True)]
Number = Annotated[int, about("The version's number (1, 2, …)", 3)]
AcceptsClientSystem = Annotated[
    bool, about("OpenAI-compatible calls pass the client's `system`/`developer` text after the agent's prompt", False)
]


class AgentCreate(Request):
    slug: Annotated[Slug, about("The agent's slug, its name in URLs (lower case, digits, dashes)", "tutor")]
    name: AgentName
    description: Description = ""
    status: AgentStatus = "draft"
    history_turns: HistoryTurns = 6
    styles: Styles = {}
    accepts_client_system: AcceptsClientSystem = False


class AgentUpdate(Request):
    name: AgentName | None = None
    description: Description | None = None
    status: AgentStatus | None = None
    history_turns: HistoryTurns | None = None
    styles: Styles | None = None
    accepts_client_system: AcceptsClientSystem | None = None


class AgentAdminRead(Read):
    id: Id
    slug: Annotated[str, about("The agent's slug", "tutor")]
    name: Annotated[str, about("The display name", "Math tutor")]
    description: Annotated[str, about("What the agent does", "Explains school maths step by step.")]
    status: Annotated[str, about("`draft`, `published` or `retired`", "published")]
    history_turns: Annotated[int, about("How many earlier turns are sent to the model", 6)]
    styles: Annotated[dict[str, str], about("Named prompt fragments", {"concise": "Answer briefly."})]
    accepts_client_system: AcceptsClientSystem
    active_version: Annotated[int | None, about("The number of the active version; `null` for none", 3)]
    created_at: CreatedAt


class VersionCreate(Request):
    system: Annotated[
        str,
        msgspec.Meta(min_length=1, max_length=100_000),
        about("The system template, with `{{ name }}` placeholders", "You tutor {{ level }} maths. Be patient."),
    ]
    model: Annotated[
        str, msgspec.Meta(min_length=3, max_length=200), about("The model, `provider:model`", "openai:gpt-4o-mini")
    ]
    user: (
        Annotated[
            str,
            msgspec.Meta(max_length=100_000),
            about("A template wrapping the member's input", "Question: {{ input }}"),
        ]
        | None
    ) = None
    variables: Annotated[
        dict[str, dict[str, Any]] | None,
        about("Declared variables by name", {"level": {"type": "enum", "values": ["beginner", "advanced"]}}),
    ] = None
    params: Annotated[
        dict[str, Any] | None, about("Model parameters", {"temperature": 0.3, "max_output_tokens": 400})
    ] = None
    note: Annotated[Text, about("Why this version exists", "Gentler tone for beginners")] = ""


class VersionRead(Read):
    number: Number
    status: Annotated[str, about("`draft`, `active` or `archived`", "active")]
    system: Annotated[str, about("The system template", "You tutor {{ level }} maths. Be patient.")]
    user: Annotated[str | None, about("The user template; `null` to send the input as is", None)]
    model: Annotated[str, about("The model, `provider:model`", "openai:gpt-4o-mini")]
    variables: Annotated[dict[str, dict[str, Any]], about("Declared variables", {"level": {"type": "string"}})]
    params: Annotated[dict[str, Any], about("Model parameters", {"temperature": 0.3})]
    author: Annotated[str, about("Who created it", "admin@demo.example")]
    note: Annotated[str, about("Why it exists", "Gentler tone for beginners")]
    created_at: CreatedAt
    activated_from: Annotated[int | None, about("The version that was active before this one was activated", 2)]


class DiffRead(Read):
    a: Annotated[int, about("The version compared from", 2)]
    b: Annotated[int, about("The version compared to", 3)]
    diff: Annotated[
        str, about("A unified diff of the two versions", "--- tutor@v2\n+++ tutor@v3\n-Be brief.\n+Be patient.")
    ]


class LimitIn(Request):
    metric: Annotated[Literal["requests", "tokens"], about("What the limit counts", "requests")]
    window: Annotated[
        Literal["minute", "hour", "day", "month", "billing_period"], about("The calendar window (UTC)", "month")
    ]
    amount: (
        Annotated[
            int, msgspec.Meta(ge=0, le=MAX_COUNT), about("The most the window allows; `null` for unlimited", 1000)
        ]
        | None
    )


class PriceIn(Request):
    monthly: (
        Annotated[int, msgspec.Meta(ge=0, le=MAX_COUNT), about("Monthly price in minor units (cents)", 900)] | None
    ) = None
    yearly: Annotated[int, msgspec.Meta(ge=0, le=MAX_COUNT), about("Yearly price in minor units", 9000)] | None = None
    currency: Annotated[str, msgspec.Meta(min_length=3, max_length=3), about("ISO 4217 currency", "usd")] = "usd"


class PlanCreate(Request):
    code: Annotated[Slug, about("The plan's code (lower case, digits, dashes)", "pro")]
    name: PlanName
    agents: Annotated[list[str] | None, about("The agents it grants; `null` for all", ["tutor", "writer"])] = None
    channels: Annotated[
        list[Literal["web", "mobile", "api", "telegram", "whatsapp", "library", "cli"]] | None,
        about("The channels it allows; `null` for all", ["web", "api"]),
    ] = None
    limits: Limits = []
    price: Annotated[PriceIn | None, Meta(description="Its prices; `null` for free")] = None
    byok: Byok = False
    retention_days: RetentionDays | None = None
    trial_days: Annotated[int, msgspec.Meta(ge=0, le=MAX_DAYS), about("Days of free trial", 7)] = 0
    priority: Priority = 0
    public: Public = True


class PlanUpdate(Request):
    name: PlanName | None = None
    limits: Annotated[list[LimitIn] | None, Meta(description="Replaces every limit of the plan")] = None
    price: Annotated[PriceIn | None, Meta(description="Replaces the plan's prices")] = None
    byok: Byok | None = None
    retention_days: RetentionDays | None = None
    priority: Priority | None = None
    status: Annotated[Literal["active", "archived"] | None, about("`archived` takes it off sale", "archived")] = None
    public: Public | None = None


class CatalogApplied(Read):
    changes: Annotated[list[str], about("What the document changed, one line each", ["agent tutor: v4 activated"])]


class UserUpdate(Request):
    role: Annotated[Literal["member", "admin"] | None, about("The new role", "admin")] = None
    status: Annotated[Literal["active", "disabled"] | None, about("The new status", "disabled")] = None


class GrantCreate(Request):
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254), about("The user's email", "ada@example.com")]
    plan: Annotated[Slug, about("The plan's code", "pro")]
    days: Annotated[int, msgspec.Meta(ge=1, le=MAX_DAYS), about("How long; none for until canceled", 30)] | None = None


class AdminSubscriptionRead(Read):
    id: Id
    user_id: UserId
    plan: PlanCode
    status: Annotated[str, about("`trialing`, `active`, `past_due`, `canceled` or `expired`", "active")]
    current_period_start: Annotated[str, about("When the period began (ISO 8601)", "2026-01-01T00:00:00+00:00")]
    current_period_end: Annotated[str | None, about("When it ends; `null` for open-ended", "2026-01-31T00:00:00+00:00")]
    provider: Annotated[str, about("Who bills it: `manual`, `stripe`…", "manual")]


class UsageRowRead(Read):
    key: Annotated[str, about("The agent, user, plan, day or model of this row", "tutor")]
    requests: Annotated[int, about("Calls made", 128)]
    input_tokens: Annotated[int, about("Tokens sent to models", 51200)]
    output_tokens: Annotated[int, about("Tokens models answered with", 12800)]
    cost_micros: Annotated[int, about("What the calls cost, in micro-USD", 15360)]
    errors: Annotated[int, about("Calls that failed", 2)]
    email: Annotated[
        str | None,
        about("Grouped by user: the user's email (the key is the user's id); null otherwise", "ann@example.com"),
    ] = None


class AuditRead(Read):
    id: Id
    actor: Annotated[str, about("Who made the change", "admin@demo.example")]
    action: Annotated[str, about("What was done", "prompt.activate")]
    target: Annotated[str, about("What it was done to", "tutor")]
    before: Annotated[str, about("A summary before the change", "v2")]
    after: Annotated[str, about("A summary after the change", "v3")]
    created_at: CreatedAt
    request_id: Annotated[str, about("The request that made the change (empty from the CLI)", "lb-7f3a:42")]


class ModelIn(Request):
    input_usd_per_mtok: Annotated[
        float, msgspec.Meta(ge=0, le=MAX_USD_PER_MTOK), about("USD per million input tokens", 0.15)
    ]
    output_usd_per_mtok: Annotated[
        float, msgspec.Meta(ge=0, le=MAX_USD_PER_MTOK), about("USD per million output tokens", 0.6)
    ]
    context_window: Annotated[
        int, msgspec.Meta(ge=1, le=MAX_CONTEXT_WINDOW), about("Tokens the model reads at most", 128_000)
    ] = 128_000
    vision: Annotated[bool, about("The model accepts images", False)] = False


class ModelRead(Read):
    id: Annotated[str, about("The model, `provider:model`", "openai:gpt-4o-mini")]
    input_usd_per_mtok: Annotated[str, about("USD per million input tokens, as a decimal", "0.15")]
    output_usd_per_mtok: Annotated[str, about("USD per million output tokens, as a decimal", "0.6")]
    context_window: Annotated[int, about("Tokens the model reads at most", 128000)]
    vision: Annotated[bool, about("The model accepts images", False)]
