"""The platform's chat over the real provider adapters and SDKs: what a user is charged when providers fail."""

from __future__ import annotations

import pytest

from promptsaas.domain.errors import LlmError
from promptsaas.domain.usage import Outcome, UsageRecord
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from tests.integration.llm.conftest import ANTHROPIC_KEY, OPENAI_KEY, catalog
from tests.support.llm_stub import Failure, Hang, LlmStub, Reply, Step

ANN = "ann@example.com"


async def records(platform: AsyncPlatform, tenant: AsyncTenant) -> list[UsageRecord]:
    async with platform.container.uow()() as uow:
        return await uow.usage.records(await tenant.id())


async def requests_used(tenant: AsyncTenant) -> int:
    [plan] = await tenant.limits(ANN)
    views = plan.limits
    return next(v.used for v in views if v.metric == "requests")


async def test_a_503_then_success_charges_exactly_once(
    platform: AsyncPlatform, tenant: AsyncTenant, stub: LlmStub
) -> None:
    stub.script(Failure(503), Reply("Hi Ann", input_tokens=1000, output_tokens=500))
    reply = await tenant.chat(ANN, "gpt", "Hello")

    assert reply.text == "Hi Ann"
    assert (reply.usage.input_tokens, reply.usage.output_tokens, reply.usage.cost_micros) == (1000, 500, 450)
    assert len(stub.received) == 2
    [record] = await records(platform, tenant)
    assert (record.outcome, record.cost_micros, record.model) == (Outcome.OK, 450, "openai:gpt-4o-mini")
    assert await requests_used(tenant) == 1
    assert await platform.container.ledger().pending() == 0


async def test_anthropic_calls_are_charged_at_its_prices(
    platform: AsyncPlatform, tenant: AsyncTenant, stub: LlmStub
) -> None:
    stub.script(Reply("Hello", input_tokens=1000, output_tokens=500))
    reply = await tenant.chat(ANN, "claude", "Hello")
    assert reply.usage.cost_micros == 3500
    assert stub.received[0].body["system"] == "You are claude."
    assert stub.received[0].body["max_tokens"] == 600


async def test_the_platform_keys_come_from_the_sdks_variables(tenant: AsyncTenant, stub: LlmStub) -> None:
    await tenant.chat(ANN, "gpt", "Hello")
    await tenant.chat(ANN, "claude", "Hello")
    assert stub.keys == [OPENAI_KEY, ANTHROPIC_KEY]


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (Failure(503), "llm_unavailable"),
        (Failure(429), "llm_rate_limited"),
        (Failure(400), "llm_bad_request"),
        (Failure(401), "llm_auth_failed"),
        (Hang(), "llm_timeout"),
    ],
    ids=repr,
)
@pytest.mark.parametrize("agent", ["gpt", "claude"])
async def test_a_failed_call_charges_nothing_and_releases_its_reservation(
    platform: AsyncPlatform, tenant: AsyncTenant, stub: LlmStub, agent: str, fault: Step, code: str
) -> None:
    stub.default = fault
    with pytest.raises(LlmError) as raised:
        await tenant.chat(ANN, agent, "Hello")

    assert raised.value.code == code
    [record] = await records(platform, tenant)
    assert (record.outcome, record.error_code, record.cost_micros) == (Outcome.ERROR, code, 0)
    assert await requests_used(tenant) == 0
    assert await platform.container.ledger().pending() == 0
    stub.default = Reply("back")
    assert (await tenant.chat(ANN, agent, "Hello again")).text == "back"
    assert await requests_used(tenant) == 1


async def test_catalog_model_prices_override_the_builtin_ones(
    platform: AsyncPlatform, tenant: AsyncTenant, stub: LlmStub
) -> None:
    override = {
        "id": "openai:gpt-4o-mini",
        "input_usd_per_mtok": 1.0,
        "output_usd_per_mtok": 2.0,
        "context_window": 128000,
        "vision": True,
    }
    await tenant.apply_catalog(catalog(models=[override]))
    stub.script(Reply("ok", input_tokens=1000, output_tokens=500))
    assert (await tenant.chat(ANN, "gpt", "Hello")).usage.cost_micros == 2000
