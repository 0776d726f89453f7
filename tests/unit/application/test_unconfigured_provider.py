"""A model whose provider this deployment does not serve is a configuration error when it is declared, not a failed
call later: catalog apply, a new prompt version and a registry entry all refuse it, naming the configured providers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fakes import RecordingProvider, agent, small_catalog, use_llm
from test_catalog_apply import snapshot

from promptsaas.domain.errors import CatalogInvalid, InvalidInput
from promptsaas.domain.models import ModelSpec
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

GEMINI = "gemini:gemini-2.5-flash"
UNSERVED = (
    f"model {GEMINI!r} needs provider 'gemini', which is not configured in this deployment "
    "(configured: anthropic, offline, openai)"
)


async def test_a_catalog_naming_an_unconfigured_provider_is_refused_and_nothing_applied(
    platform: AsyncPlatform, tenant: AsyncTenant
) -> None:
    document = small_catalog(agents=[agent("scout", prompt={"model": GEMINI}), agent("newbie")])
    document["models"] = [
        {"id": "openai:acme-tuned", "input_usd_per_mtok": 1, "output_usd_per_mtok": 2},
        {"id": "ollama:llama3.2", "input_usd_per_mtok": 0, "output_usd_per_mtok": 0},
    ]
    before = await snapshot(platform, tenant)

    with pytest.raises(CatalogInvalid) as raised:
        await tenant.apply_catalog(document)

    assert raised.value.problems == (
        "models[1].id: model 'ollama:llama3.2' needs provider 'ollama', which is not configured in this deployment "
        "(configured: anthropic, offline, openai)",
        f"agents[0].prompt.model: {UNSERVED}",
    )
    assert await snapshot(platform, tenant) == before


async def test_the_same_catalog_applies_once_the_provider_is_configured(platform: AsyncPlatform) -> None:
    use_llm(platform, gemini=RecordingProvider())
    acme = await platform.create_tenant("acme")

    result = await acme.apply_catalog(small_catalog(agents=[agent("scout", prompt={"model": GEMINI})]))

    assert "agent scout prompt v1 active" in result.changes


async def test_a_prompt_version_on_an_unconfigured_provider_is_refused(tenant: AsyncTenant) -> None:
    with pytest.raises(InvalidInput) as raised:
        await tenant.create_prompt_version("tutor", system="Hi", model=GEMINI)

    assert (raised.value.code, raised.value.field, raised.value.message) == ("unknown_provider", "model", UNSERVED)
    assert [v.number for v in await tenant.prompt_versions("tutor")] == [1]


async def test_a_registry_entry_on_an_unconfigured_provider_is_refused(
    platform: AsyncPlatform, tenant: AsyncTenant
) -> None:
    catalog = platform.container.model_catalog()
    entry = ModelSpec("ollama:llama3.2", Decimal(0), Decimal(0))

    with pytest.raises(InvalidInput) as raised:
        await catalog.put_model(await tenant.id(), entry)

    assert (raised.value.code, raised.value.field) == ("unknown_provider", "model_id")
    assert "ollama:llama3.2" not in {m.id for m in await catalog.models(await tenant.id())}
