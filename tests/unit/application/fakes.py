"""Hand-written fakes for the application tests: a clock, LLM providers and a ledger that yields, plus catalogs."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from dependency_injector import providers

from promptsaas.adapters.llm.offline import OfflineProvider
from promptsaas.adapters.llm.registry import ProviderRegistry
from promptsaas.application.access import LimitView
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.llm import Completion, LlmProvider, LlmRequest
from promptsaas.application.ports.quota import QuotaLedger, Settlement
from promptsaas.domain.conversations import text_of
from promptsaas.domain.errors import LlmUnavailable
from promptsaas.domain.quota import Counter, CounterKey, Reservation
from promptsaas.domain.usage import UsageRecord
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant


class FakeClock(Clock):
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class RecordingProvider(LlmProvider):
    """Answers like `offline:echo` with fixed token counts (or raises `failure`), keeping every request it was sent."""

    def __init__(self, input_tokens: int = 10, output_tokens: int = 5) -> None:
        self.requests: list[LlmRequest] = []
        self.failure: BaseException | None = None
        self._tokens = (input_tokens, output_tokens)

    async def complete(self, request: LlmRequest) -> Completion:
        self.requests.append(request)
        if self.failure is not None:
            raise self.failure
        said = text_of(request.messages[-1].parts)
        return Completion(f"You said: {said}", *self._tokens)

    def history_texts(self, index: int = -1) -> list[str]:
        """The texts of the messages of one request (history first, the new message last)."""
        return [text_of(m.parts) for m in self.requests[index].messages]


class SlowProvider(LlmProvider):
    """Sleeps before answering, so concurrent calls really sit between reserve and settle together."""

    def __init__(self, delay: float = 0.01, tokens: Mapping[str, tuple[int, int]] | None = None) -> None:
        self.delay = delay
        self.tokens = dict(tokens or {})
        self.in_flight = 0
        self.max_in_flight = 0

    async def complete(self, request: LlmRequest) -> Completion:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        said = text_of(request.messages[-1].parts)
        return Completion("ok", *self.tokens.get(said, (len(said), 3)))


class FailingProvider(LlmProvider):
    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error or LlmUnavailable("the model provider is down")
        self.calls = 0

    async def complete(self, request: LlmRequest) -> Completion:
        self.calls += 1
        await asyncio.sleep(0)
        raise self.error


class InterleavingLedger(QuotaLedger):
    """The real ledger, but other tasks run between reading the counters and deciding: callers race to reserve."""

    def __init__(self, inner: QuotaLedger) -> None:
        self.inner = inner
        self.refused = 0

    async def read(self, tenant_id: str, keys: Iterable[CounterKey]) -> dict[CounterKey, Counter]:
        counters = await self.inner.read(tenant_id, keys)
        await asyncio.sleep(0)
        return counters

    async def reserve(self, reservation: Reservation) -> dict[CounterKey, Counter] | None:
        held = await self.inner.reserve(reservation)
        self.refused += held is None
        return held

    async def settle(self, settlement: Settlement) -> None:
        await self.inner.settle(settlement)

    async def sweep(self, now: datetime) -> int:
        return await self.inner.sweep(now)

    async def pending(self, tenant_id: str | None = None) -> int:
        return await self.inner.pending(tenant_id)


class CountingLedger(InterleavingLedger):
    """The real ledger, counting how often the counters are read and a reservation is tried."""

    def __init__(self, inner: QuotaLedger) -> None:
        super().__init__(inner)
        self.reads = 0
        self.reserves = 0

    async def read(self, tenant_id: str, keys: Iterable[CounterKey]) -> dict[CounterKey, Counter]:
        self.reads += 1
        return await self.inner.read(tenant_id, keys)

    async def reserve(self, reservation: Reservation) -> dict[CounterKey, Counter] | None:
        self.reserves += 1
        return await super().reserve(reservation)


def use_llm(platform: AsyncPlatform, **by_provider: LlmProvider) -> None:
    """Serve these providers (plus `offline`); call before the first chat builds the runtime."""
    registry = ProviderRegistry({"offline": OfflineProvider(), **by_provider})
    platform.container.llm.override(providers.Object(registry))


def agent(slug: str, system: str = "You are {{ slug }}.", **fields: Any) -> dict[str, Any]:
    prompt = {
        "system": system.replace("{{ slug }}", slug),
        "model": "offline:echo",
        "params": {"max_output_tokens": 64},
    }
    prompt.update(fields.pop("prompt", {}))
    return {"slug": slug, "name": slug.title(), **fields, "prompt": prompt}


def plan(code: str, agents: Any = "all", *limits: tuple[str, str, int | None], **fields: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": code.title(),
        "agents": agents,
        "limits": [{"metric": m, "window": w, "amount": a} for m, w, a in limits],
        **fields,
    }


TUTOR = agent(
    "tutor",
    history_turns=2,
    styles={"concise": "Answer in at most three sentences."},
    prompt={
        "system": "You are a {{ level }} math tutor.",
        "user": "{{ input }}",
        "variables": {"level": {"type": "enum", "values": ["beginner", "expert"], "default": "beginner"}},
    },
)
WRITER = agent(
    "writer",
    history_turns=0,
    prompt={
        "system": "You write {{ tone }} copy of at most {{ words }} words.",
        "variables": {
            "tone": {"type": "string", "required": True, "max_length": 20},
            "words": {"type": "integer", "default": 80},
        },
    },
)


def small_catalog(**overrides: Any) -> dict[str, Any]:
    """Two agents and a default `free` plan (5 requests a day) unless overridden."""
    document: dict[str, Any] = {
        "agents": [TUTOR, WRITER],
        "plans": [plan("free", "all", ("requests", "day", 5), default=True)],
    }
    document.update(overrides)
    return document


async def user_id(tenant: AsyncTenant, email: str) -> str:
    return next(u.id for u in await tenant.users() if u.email == email)


async def limits_of(tenant: AsyncTenant, email: str, plan_code: str) -> list[LimitView]:
    return next(p.limits for p in await tenant.limits(email) if p.plan == plan_code)


async def usage_records(platform: AsyncPlatform, tenant: AsyncTenant) -> list[UsageRecord]:
    async with platform.container.uow()() as uow:
        return await uow.usage.records(await tenant.id())


def counters(platform: AsyncPlatform) -> dict[Any, Counter]:
    """Every quota counter of the in-memory store (used and reserved)."""
    return dict(platform.container.store().counters)
