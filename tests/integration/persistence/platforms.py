"""A persistent platform set up for quota proofs: a fixed clock, one agent on the offline model, one limited plan.

Used in-process by the tests and by `chat_worker`, the small script other OS processes run.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dependency_injector import providers

from promptsaas.adapters.llm.offline import OfflineProvider
from promptsaas.adapters.llm.registry import ProviderRegistry
from promptsaas.application.messages import InboundMessage
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.llm import Completion, LlmProvider, LlmRequest
from promptsaas.domain.channels import Channel
from promptsaas.domain.errors import AccessDenied
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

NOW = datetime(2030, 3, 14, 12, 0, tzinfo=UTC)
TENANT, EMAIL, AGENT = "quota", "caller@example.com", "echo"


@dataclass
class FixedClock(Clock):
    """Mid-day, so no daily window rolls over while callers race; tests move it on purpose."""

    at: datetime = NOW

    def now(self) -> datetime:
        return self.at


class Hang(LlmProvider):
    """A model call that never returns: the process holding its reservation can only die."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()

    async def complete(self, request: LlmRequest) -> Completion:
        self.entered.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


def catalog(*limits: tuple[str, str, int], max_output_tokens: int = 64) -> dict[str, Any]:
    return {
        "agents": [
            {
                "slug": AGENT,
                "name": "Echo",
                "history_turns": 0,
                "prompt": {
                    "system": "Repeat.",
                    "model": "offline:echo",
                    "params": {"max_output_tokens": max_output_tokens},
                },
            }
        ],
        "plans": [
            {
                "code": "limited",
                "name": "Limited",
                "default": True,
                "limits": [{"metric": m, "window": w, "amount": a} for m, w, a in limits],
            }
        ],
    }


async def open_platform(
    url: str, *, now: datetime = NOW, ttl_seconds: int = 600, model: LlmProvider | None = None
) -> tuple[AsyncPlatform, FixedClock]:
    settings = Settings(
        database_url=url, password_memory_kib=1024, password_time_cost=1, reservation_ttl_seconds=ttl_seconds
    )
    platform = await AsyncPlatform.open(url, settings)
    clock = FixedClock(now)
    platform.container.clock.override(providers.Object(clock))
    platform.container.llm.override(providers.Object(ProviderRegistry({"offline": model or OfflineProvider()})))
    return platform, clock


async def set_up(platform: AsyncPlatform, document: dict[str, Any]) -> AsyncTenant:
    tenant = await platform.create_tenant(TENANT)
    await tenant.apply_catalog(document)
    await tenant.create_user(EMAIL)
    return tenant


async def runs_message(platform: AsyncPlatform, text: str, idempotency_key: str) -> InboundMessage:
    """The caller's chat to the agent under an Idempotency-Key, as the HTTP shell sends it to `runs`."""
    tenant_id = await platform.tenant(TENANT).id()
    user = await platform.container.admin().user(tenant_id, EMAIL)
    return InboundMessage(tenant_id, user.id, Channel.API, AGENT, text, idempotency_key=idempotency_key)


@dataclass
class Tally:
    admitted: int = 0
    denied: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.admitted += other.admitted
        self.denied += other.denied
        self.errors += other.errors


async def race(tenant: AsyncTenant, messages: list[str]) -> Tally:
    """Every message at once, as one caller; counts what the policy admitted and what it denied."""
    outcomes = await asyncio.gather(*(tenant.chat(EMAIL, AGENT, m) for m in messages), return_exceptions=True)
    tally = Tally()
    for outcome in outcomes:
        if isinstance(outcome, AccessDenied):
            tally.denied += 1
        elif isinstance(outcome, BaseException):
            tally.errors.append(repr(outcome))
        else:
            tally.admitted += 1
    return tally
