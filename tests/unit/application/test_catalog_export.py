"""Exporting a tenant's catalog: the document applies back with no change, on this tenant or a fresh one."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import TUTOR, WRITER, agent, plan

from promptsaas.domain.errors import CatalogInvalid
from promptsaas.entrypoints.library import AsyncPlatform

EVERYTHING: dict[str, Any] = {
    "models": [
        {"id": "openai:gpt-4o-mini", "input_usd_per_mtok": 0.2, "output_usd_per_mtok": 0.8, "context_window": 64000},
        {"id": "openai:acme-house", "input_usd_per_mtok": 1, "output_usd_per_mtok": 2.5, "vision": True},
    ],
    "agents": [
        TUTOR,
        WRITER,
        agent(
            "scorer",
            status="draft",
            description="Scores essays",
            accepts_client_system=True,
            prompt={
                "system": "Score out of {{ scale }} with threshold {{ pass_mark }}; strict={{ strict }}.",
                "variables": {
                    "scale": {"type": "integer", "default": 10},
                    "pass_mark": {"type": "number", "default": 0.5},
                    "strict": {"type": "boolean", "default": False},
                },
                "model": "openai:acme-house",
                "params": {"temperature": 1, "top_p": 0.9, "max_output_tokens": 100, "stop": ["END"]},
                "note": "first cut",
            },
        ),
        {"slug": "retired-one", "name": "Old", "status": "retired"},
    ],
    "plans": [
        plan("free", ["tutor"], ("requests", "day", 5), default=True, channels=["web", "telegram"]),
        plan(
            "pro",
            "all",
            ("requests", "minute", 20),
            ("tokens", "billing_period", None),
            price={"monthly": 900, "currency": "eur", "stripe_monthly": "price_123", "stars": 450},
            byok=True,
            retention_days=90,
            trial_days=7,
            priority=10,
            public=False,
        ),
        plan("legacy", "all", status="archived"),
    ],
    "default_agent": "writer",
}


async def test_an_exported_catalog_applies_back_with_no_change(platform: AsyncPlatform) -> None:
    acme = await platform.create_tenant("acme")
    assert (await acme.apply_catalog(EVERYTHING)).changed
    exported = await acme.export_catalog()

    assert (await acme.apply_catalog(exported)).changes == []
    copy = await platform.create_tenant("copy")
    await copy.apply_catalog(exported)
    assert await copy.export_catalog() == exported


async def test_the_export_names_the_default_plan_and_only_the_tenants_own_models(platform: AsyncPlatform) -> None:
    acme = await platform.create_tenant("acme")
    await acme.apply_catalog(EVERYTHING)
    exported = await acme.export_catalog()

    assert [m["id"] for m in exported["models"]] == ["openai:acme-house", "openai:gpt-4o-mini"]
    assert [p["code"] for p in exported["plans"] if p.get("default")] == ["free"]
    assert exported["default_agent"] == "writer"
    assert "prompt" not in next(a for a in exported["agents"] if a["slug"] == "retired-one")
    scorer = next(a for a in exported["agents"] if a["slug"] == "scorer")
    assert scorer["prompt"]["note"] == "first cut"


async def test_an_agent_that_accepts_client_instructions_exports_so_and_applies_back_so(
    platform: AsyncPlatform,
) -> None:
    acme = await platform.create_tenant("acme")
    await acme.apply_catalog(EVERYTHING)
    exported = await acme.export_catalog()

    by_slug = {a["slug"]: a for a in exported["agents"]}
    assert by_slug["scorer"]["accepts_client_system"] is True
    assert "accepts_client_system" not in by_slug["tutor"], "the default is left out"
    copy = await platform.create_tenant("copy")
    await copy.apply_catalog(exported)
    async with platform.container.uow()() as uow:
        agent = await uow.agents.get_by_slug(await copy.id(), "scorer")
    assert agent is not None
    assert agent.accepts_client_system


async def test_stars_prices_are_read_exported_and_checked(platform: AsyncPlatform) -> None:
    acme = await platform.create_tenant("acme")
    await acme.apply_catalog(EVERYTHING)
    exported = await acme.export_catalog()
    pro = next(p for p in exported["plans"] if p["code"] == "pro")
    assert pro["price"]["stars"] == 450

    with pytest.raises(CatalogInvalid) as raised:
        await acme.apply_catalog({"plans": [plan("pro", "all", price={"stars": -1})]})
    assert raised.value.problems == ("plans[0].price.stars: must not be negative",)
