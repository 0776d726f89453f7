"""Applying a catalog is idempotent and atomic: the same document writes nothing, a bad one changes nothing."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from dependency_injector import providers
from fakes import TUTOR, WRITER, agent, plan, small_catalog

from promptsaas.application.plans import PlanService
from promptsaas.application.ports.unit_of_work import UnitOfWork
from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.errors import CatalogInvalid, DomainError, InvalidInput
from promptsaas.domain.plans import Plan, PlanStatus
from promptsaas.domain.prompts import VersionStatus
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant


async def snapshot(platform: AsyncPlatform, tenant: AsyncTenant) -> dict[str, Any]:
    """Everything a catalog can change, as an operator would list it."""
    tenant_id = await tenant.id()
    catalog = platform.container.catalog()
    agents = await catalog.agents(tenant_id)
    return {
        "agents": agents,
        "versions": {a.slug: await tenant.prompt_versions(a.slug) for a in agents},
        "plans": await tenant.plans(),
        "models": await platform.container.model_catalog().models(tenant_id),
        "default": (await platform.container.admin().tenant(tenant.slug)).default_plan_code,
        "default_agent": (await platform.container.admin().tenant(tenant.slug)).default_agent,
        "audit": await tenant.audit_log(limit=1000),
    }


def with_tutor_prompt(**prompt: Any) -> dict[str, Any]:
    tutor = copy.deepcopy(TUTOR)
    tutor["prompt"].update(prompt)
    return small_catalog(agents=[tutor, WRITER])


async def test_applying_the_same_document_twice_changes_nothing(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    before = await snapshot(platform, tenant)

    result = await tenant.apply_catalog(small_catalog())

    assert result.changes == []
    assert not result.changed
    assert await snapshot(platform, tenant) == before


async def test_a_first_apply_lists_what_it_created(platform: AsyncPlatform) -> None:
    tenant = await platform.create_tenant("fresh")

    result = await tenant.apply_catalog(small_catalog())

    assert result.changes == [
        "agent tutor created",
        "agent tutor prompt v1 active",
        "agent writer created",
        "agent writer prompt v1 active",
        "plan free",
        "default plan free",
    ]


async def test_a_changed_prompt_becomes_the_active_v2(tenant: AsyncTenant) -> None:
    result = await tenant.apply_catalog(with_tutor_prompt(system="You are a {{ level }} math tutor. Be kind."))

    assert result.changes == ["agent tutor prompt v2 active"]
    v1, v2 = await tenant.prompt_versions("tutor")
    assert (v1.status, v2.status) == (VersionStatus.ARCHIVED, VersionStatus.ACTIVE)
    assert v2.content.system == "You are a {{ level }} math tutor. Be kind."
    assert await tenant.rollback_prompt("tutor") == 1
    assert (await tenant.apply_catalog(small_catalog())).changes == [], "the document now matches v1 again"


BAD_DOCUMENTS = {
    "bad variable type in the second agent": (
        small_catalog(
            agents=[agent("newbie"), agent("broken", prompt={"variables": {"x": {"type": "colour"}}})],
        ),
        "agents[1].prompt.variables.x.type: must be one of string, integer, number, boolean, enum",
    ),
    "a plan grants an unknown agent": (
        small_catalog(agents=[agent("newbie")], plans=[plan("gold", ["newbie", "ghost"])]),
        "plans[0].agents: unknown agent 'ghost'",
    ),
    "a prompt names an unknown model": (
        small_catalog(agents=[agent("newbie"), agent("future", prompt={"model": "openai:gpt-9"})]),
        "agents[1].prompt.model: unknown model 'openai:gpt-9'",
    ),
    "an invalid agent slug": (
        small_catalog(agents=[agent("newbie"), agent("Not A Slug")]),
        "agents[1].slug: slug 'Not A Slug' must be 1-63 lowercase letters",
    ),
    "an undeclared placeholder": (
        small_catalog(agents=[agent("newbie"), agent("oops", system="Hi {{ name }}")]),
        "agents[1].prompt: system uses undeclared variable 'name'",
    ),
    "an enum variable without values": (
        small_catalog(agents=[agent("newbie"), agent("vague", prompt={"variables": {"mood": {"type": "enum"}}})]),
        "agents[1].prompt.variables.mood: enum variable 'mood' needs values",
    ),
    "a default agent the catalog does not have": (
        small_catalog(agents=[agent("newbie")], default_agent="ghost"),
        "default_agent: unknown agent 'ghost'",
    ),
    "a default agent that is not a slug": (
        small_catalog(agents=[agent("newbie")], default_agent=["tutor"]),
        "default_agent: must be",
    ),
    "two default plans": (
        small_catalog(plans=[plan("a", default=True), plan("b", default=True)]),
        "plans: only one plan can be the default",
    ),
}


@pytest.mark.parametrize("name", list(BAD_DOCUMENTS))
async def test_an_invalid_document_is_rejected_as_a_whole(
    platform: AsyncPlatform, tenant: AsyncTenant, name: str
) -> None:
    document, problem = copy.deepcopy(BAD_DOCUMENTS[name])
    document["models"] = [{"id": "openai:acme-tuned", "input_usd_per_mtok": 1, "output_usd_per_mtok": 2}]
    document["plans"] = [*document["plans"], plan("silver", "all")]
    before = await snapshot(platform, tenant)

    with pytest.raises(CatalogInvalid) as raised:
        await tenant.apply_catalog(document)

    assert raised.value.code == "catalog_invalid"
    assert any(p.startswith(problem) for p in raised.value.problems), raised.value.problems
    assert await snapshot(platform, tenant) == before


class PlansThatBreak(PlanService):
    """Fails while saving one plan, after the rest of the document was written in the same unit of work."""

    async def save(self, uow: UnitOfWork, plan: Plan, actor: str) -> bool:
        if plan.code == "doomed":
            raise DomainError("storage failed half-way")
        return await super().save(uow, plan, actor)


async def test_a_failure_half_way_through_rolls_everything_back(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    container = platform.container
    container.plans.override(providers.Singleton(PlansThatBreak, container.uow, container.ids, container.audit))
    container.catalog_apply.reset()
    before = await snapshot(platform, tenant)
    document = with_tutor_prompt(system="You are a {{ level }} tutor. v2")
    document["agents"].append(agent("newbie"))
    document["models"] = [{"id": "openai:acme-tuned", "input_usd_per_mtok": 1, "output_usd_per_mtok": 2}]
    document["plans"] = [plan("free", "all", ("requests", "day", 50), default=False), plan("doomed")]

    with pytest.raises(DomainError, match="half-way"):
        await tenant.apply_catalog(document)

    assert await snapshot(platform, tenant) == before


async def test_every_problem_is_named_by_its_path(tenant: AsyncTenant) -> None:
    document = {"agents": [{"slug": "x", "prompt": {"system": "s"}, "colour": "red"}], "plans": [{"name": "P"}]}

    with pytest.raises(CatalogInvalid) as raised:
        await tenant.apply_catalog(document)

    assert set(raised.value.problems) >= {
        "agents[0].colour: unknown field (allowed: slug, name, description, status, history_turns, styles,"
        " accepts_client_system, prompt)",
        "agents[0].prompt.model: is required",
        "plans[0].code: is required",
    }


async def test_prune_retires_agents_and_archives_plans_the_document_omits(tenant: AsyncTenant) -> None:
    await tenant.apply_catalog(small_catalog(plans=[plan("free", default=True), plan("pro", "all")]))
    slim = small_catalog(agents=[TUTOR], plans=[plan("free", default=True)])

    assert (await tenant.apply_catalog(slim)).changes == [], "without prune, omitted items stay"
    result = await tenant.apply_catalog(slim, prune=True)

    assert result.changes == ["agent writer retired", "plan pro archived"]
    plans = {p.code: p.status for p in await tenant.plans()}
    assert plans == {"free": PlanStatus.ACTIVE, "pro": PlanStatus.ARCHIVED}
    assert (await tenant.apply_catalog(slim, prune=True)).changes == []


async def test_a_pruned_agent_is_retired(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    await tenant.apply_catalog(small_catalog(agents=[TUTOR]), prune=True)

    writer = await platform.container.catalog().agent(await tenant.id(), "writer")
    assert writer.status is AgentStatus.RETIRED


async def test_a_yaml_file_applies_like_the_document(platform: AsyncPlatform, tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(small_catalog()), encoding="utf-8")
    from_file = await platform.create_tenant("from-file")

    result = await from_file.apply_catalog(str(path))

    assert "agent tutor created" in result.changes
    assert (await from_file.apply_catalog(path)).changes == []
    assert (await from_file.apply_catalog(small_catalog())).changes == []


async def test_an_unreadable_file_is_a_readable_error(tenant: AsyncTenant, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as raised:
        await tenant.apply_catalog(tmp_path / "missing.yaml")

    assert "cannot read catalog file" in raised.value.message
    assert "missing.yaml" in raised.value.message


async def test_invalid_yaml_is_a_readable_error(tenant: AsyncTenant, tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("agents: [\n  - slug: tutor\n  name: {", encoding="utf-8")

    with pytest.raises(InvalidInput) as raised:
        await tenant.apply_catalog(path)

    assert "broken.yaml is not valid YAML" in raised.value.message
    assert "line" in raised.value.message


async def test_a_yaml_file_that_is_not_a_mapping_is_rejected(tenant: AsyncTenant, tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- tutor\n- writer\n", encoding="utf-8")

    with pytest.raises(CatalogInvalid) as raised:
        await tenant.apply_catalog(path)

    assert raised.value.problems == ("document: must be a mapping",)


async def test_the_default_agent_is_stored_audited_and_kept_when_a_document_omits_it(
    platform: AsyncPlatform, tenant: AsyncTenant
) -> None:
    set_it = await tenant.apply_catalog(small_catalog(default_agent="writer"))
    again = await tenant.apply_catalog(small_catalog(default_agent="writer"))
    omitted = await tenant.apply_catalog(small_catalog())
    pruned = await tenant.apply_catalog(small_catalog(), prune=True)

    assert "default agent writer" in set_it.changes
    assert again.changes == []
    assert omitted.changes == []
    assert "default agent cleared" in pruned.changes
    assert (await platform.container.admin().tenant(tenant.slug)).default_agent is None
    audit = [e for e in await tenant.audit_log(limit=100) if e.action == "agent.default"]
    assert [(e.before, e.after) for e in reversed(audit)] == [("", "writer"), ("writer", "")]
