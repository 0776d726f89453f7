"""Ports wrapped to time their calls into the Prometheus histograms: the quota ledger and the model providers."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable
from datetime import datetime

from promptsaas.adapters.observability.metrics import series
from promptsaas.application.ports.llm import Completion, LlmProvider, LlmProviders, LlmRequest, StreamEvent
from promptsaas.application.ports.quota import QuotaLedger, Settlement
from promptsaas.domain.quota import Counter, CounterKey, Reservation


class TimedLedger(QuotaLedger):
    """The ledger, its reserve and settle timed (`promptsaas_ledger_seconds{operation}`)."""

    def __init__(self, inner: QuotaLedger) -> None:
        self._inner = inner
        histogram = series().ledger_seconds
        self._reserve = histogram.labels("reserve")
        self._settle = histogram.labels("settle")

    async def read(self, tenant_id: str, keys: Iterable[CounterKey]) -> dict[CounterKey, Counter]:
        return await self._inner.read(tenant_id, keys)

    async def reserve(self, reservation: Reservation) -> dict[CounterKey, Counter] | None:
        started = time.perf_counter()
        try:
            return await self._inner.reserve(reservation)
        finally:
            self._reserve.observe(time.perf_counter() - started)

    async def settle(self, settlement: Settlement) -> None:
        started = time.perf_counter()
        try:
            await self._inner.settle(settlement)
        finally:
            self._settle.observe(time.perf_counter() - started)

    async def sweep(self, now: datetime) -> int:
        return await self._inner.sweep(now)

    async def pending(self, tenant_id: str | None = None) -> int:
        return await self._inner.pending(tenant_id)


class TimedProvider(LlmProvider):
    """One provider's `complete` and `stream` timed."""

    def __init__(self, name: str, inner: LlmProvider) -> None:
        self._inner = inner
        histogram = series().llm_seconds
        self._ok = histogram.labels(name, "ok")
        self._failed = histogram.labels(name, "error")

    async def complete(self, request: LlmRequest) -> Completion:
        started = time.perf_counter()
        try:
            completion = await self._inner.complete(request)
        except BaseException:
            self._failed.observe(time.perf_counter() - started)
            raise
        self._ok.observe(time.perf_counter() - started)
        return completion

    async def stream(self, request: LlmRequest) -> AsyncIterator[StreamEvent]:
        """The inner provider's own stream (never the one-piece default), timed from open to its last event."""
        started = time.perf_counter()
        try:
            async for event in self._inner.stream(request):
                yield event
        except BaseException:
            self._failed.observe(time.perf_counter() - started)
            raise
        self._ok.observe(time.perf_counter() - started)


class TimedProviders(LlmProviders):
    """Every provider's `complete` timed (`promptsaas_llm_call_seconds{provider,outcome}`)."""

    def __init__(self, inner: LlmProviders) -> None:
        self._inner = inner
        self._timed: dict[str, LlmProvider] = {}

    def get(self, provider: str) -> LlmProvider:
        found = self._timed.get(provider)
        if found is None:
            found = self._timed[provider] = TimedProvider(provider, self._inner.get(provider))
        return found

    def names(self) -> frozenset[str]:
        return self._inner.names()

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)
