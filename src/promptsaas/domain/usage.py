"""Usage records: the append-only meter of every call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from promptsaas.domain.channels import Channel
from promptsaas.domain.replies import FinishReason


class Funding(StrEnum):
    PLAN = "plan"
    BYOK = "byok"


class Outcome(StrEnum):
    OK = "ok"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """One call. `charged_tokens` and `charged_requests` are what moved the funding plan's counters."""

    id: str
    tenant_id: str
    user_id: str
    agent_id: str
    agent_slug: str
    prompt_version: int
    channel: Channel
    model: str
    created_at: datetime
    input_tokens: int = 0
    output_tokens: int = 0
    cost_micros: int = 0
    funding: Funding = Funding.PLAN
    subscription_id: str | None = None
    plan_code: str | None = None
    outcome: Outcome = Outcome.OK
    error_code: str | None = None
    latency_ms: int = 0
    request_id: str = ""
    charged_requests: int = 0
    charged_tokens: int = 0
    finish_reason: FinishReason | None = None
    """How the model ended the reply; None when it did not end one (a failed call, a stream cut short)."""


@dataclass(frozen=True, slots=True)
class Denial:
    """One call the policy refused: who asked for which agent, and the decision's code. It charged nothing."""

    id: str
    tenant_id: str
    user_id: str
    agent_slug: str
    channel: Channel
    code: str
    created_at: datetime
