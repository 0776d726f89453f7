"""Many concurrent calls never overspend a limit, a failed call charges nothing, and dead reservations expire."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from dependency_injector import providers
from fakes import (
    FailingProvider,
    FakeClock,
    InterleavingLedger,
    SlowProvider,
    counters,
    limits_of,
    plan,
    small_catalog,
    usage_records,
    use_llm,
    user_id,
)

from promptsaas.application.messages import Reply
from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.channels import Channel
from promptsaas.domain.decisions import AgentFacts
from promptsaas.domain.errors import AccessDenied, LlmUnavailable
from promptsaas.domain.usage import Outcome
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

LIMIT = 37
CALLERS = 200


async def limit_requests(tenant: AsyncTenant, amount: int) -> None:
    await tenant.apply_catalog(small_catalog(plans=[plan("free", "all", ("requests", "day", amount), default=True)]))


async def chat_many(tenant: AsyncTenant, texts: list[str]) -> list[Reply | BaseException]:
    calls = [tenant.chat("ann@example.com", "tutor", text) for text in texts]
    return await asyncio.gather(*calls, return_exceptions=True)


async def assert_exactly_limit_admitted(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    results = await chat_many(tenant, [f"question {i}" for i in range(CALLERS)])

    replies = [r for r in results if isinstance(r, Reply)]
    denials = [r for r in results if isinstance(r, AccessDenied)]
    assert len(replies) == LIMIT
    assert len(denials) == CALLERS - LIMIT
    assert {d.code for d in denials} == {"quota_exceeded"}
    ok_records = [r for r in await usage_records(platform, tenant) if r.outcome is Outcome.OK]
    (day,) = await limits_of(tenant, "ann@example.com", "free")
    assert day.used == len(ok_records) == LIMIT
    assert day.remaining == 0
    assert await platform.container.ledger().pending() == 0
    assert all(c.reserved == 0 for c in counters(platform).values())


async def test_concurrent_calls_admit_exactly_the_limit(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    await limit_requests(tenant, LIMIT)

    await assert_exactly_limit_admitted(platform, tenant)


async def test_calls_interleaving_between_reserve_and_settle_admit_exactly_the_limit(
    platform: AsyncPlatform, tenant: AsyncTenant
) -> None:
    slow = SlowProvider(delay=0.02)
    use_llm(platform, offline=slow)
    await limit_requests(tenant, LIMIT)

    await assert_exactly_limit_admitted(platform, tenant)

    assert slow.max_in_flight == LIMIT


async def test_decisions_racing_for_the_last_units_admit_exactly_the_limit(
    platform: AsyncPlatform, tenant: AsyncTenant
) -> None:
    ledger = InterleavingLedger(platform.container.ledger())
    platform.container.ledger.override(providers.Object(ledger))
    use_llm(platform, offline=SlowProvider(delay=0.005))
    await limit_requests(tenant, LIMIT)

    await assert_exactly_limit_admitted(platform, tenant)

    assert ledger.refused > 0, "every caller read the counters before any reserved: most reservations lost"


async def test_mixed_token_amounts_never_overspend_a_token_limit(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    budget = 3_000
    texts = [f"{'word ' * (i % 9)}question {i}" for i in range(120)]
    # Some calls report far more tokens than they reserved: they are charged what they reserved, never more.
    tokens = {text: (len(text) * (50 if i % 7 == 0 else 1), 40) for i, text in enumerate(texts)}
    use_llm(platform, offline=SlowProvider(delay=0.005, tokens=tokens))
    free = plan("free", "all", ("tokens", "day", budget), ("requests", "day", None), default=True)
    await tenant.apply_catalog(small_catalog(plans=[free]))

    results = await chat_many(tenant, texts)

    replies = [r for r in results if isinstance(r, Reply)]
    denials = [r for r in results if not isinstance(r, Reply)]
    assert replies
    assert denials
    assert all(isinstance(d, AccessDenied) and d.code == "quota_exceeded" for d in denials)
    token_limit, requests = await limits_of(tenant, "ann@example.com", "free")
    assert token_limit.used <= budget
    ok_records = [r for r in await usage_records(platform, tenant) if r.outcome is Outcome.OK]
    assert token_limit.used == sum(r.charged_tokens for r in ok_records)
    assert requests.used == len(replies) == len(ok_records)
    assert await platform.container.ledger().pending() == 0


async def test_a_failed_model_call_charges_nothing(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    failing = FailingProvider()
    use_llm(platform, offline=failing)

    with pytest.raises(LlmUnavailable) as raised:
        await tenant.chat("ann@example.com", "tutor", "Hello?")

    assert raised.value.code == "llm_unavailable"
    (day,) = await limits_of(tenant, "ann@example.com", "free")
    assert (day.used, day.remaining) == (0, 5)
    (record,) = await usage_records(platform, tenant)
    assert (record.outcome, record.error_code) == (Outcome.ERROR, "llm_unavailable")
    assert (record.charged_requests, record.charged_tokens, record.cost_micros) == (0, 0, 0)
    assert await platform.container.ledger().pending() == 0
    assert all(c.used == c.reserved == 0 for c in counters(platform).values())
    uid = await user_id(tenant, "ann@example.com")
    assert await platform.container.conversation_history().conversations(await tenant.id(), uid) == []


async def test_failed_calls_never_use_up_the_quota(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    failing = FailingProvider(RuntimeError("bug in an adapter"))
    use_llm(platform, offline=failing)

    for i in range(20):  # four times the daily limit, each released before the next
        with pytest.raises(RuntimeError):
            await tenant.chat("ann@example.com", "tutor", f"q{i}")

    assert failing.calls == 20
    records = await usage_records(platform, tenant)
    assert {(r.outcome, r.error_code) for r in records} == {(Outcome.ERROR, "internal_error")}
    (day,) = await limits_of(tenant, "ann@example.com", "free")
    assert day.used == 0
    assert await platform.container.ledger().pending() == 0


async def test_the_sweep_releases_a_reservation_whose_call_died(
    platform: AsyncPlatform, tenant: AsyncTenant, clock: FakeClock
) -> None:
    tenant_id, uid = await tenant.id(), await user_id(tenant, "ann@example.com")
    facts = AgentFacts("tutor", tenant_id, AgentStatus.PUBLISHED, True, "offline")
    grant = await platform.container.access().authorize(tenant_id, uid, facts, Channel.LIBRARY, 100)
    assert grant.reservation is not None
    (day,) = await limits_of(tenant, "ann@example.com", "free")
    assert day.used == 1, "a held reservation counts against the limit"
    assert await platform.sweep_reservations() == 0, "not expired yet"

    clock.advance(timedelta(seconds=platform.container.settings().reservation_ttl_seconds + 1))

    assert await platform.sweep_reservations() == 1
    assert await platform.container.ledger().pending() == 0
    assert all(c.used == c.reserved == 0 for c in counters(platform).values())
    (day,) = await limits_of(tenant, "ann@example.com", "free")
    assert (day.used, day.remaining) == (0, 5)
