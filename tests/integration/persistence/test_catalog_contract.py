"""Agents, prompt versions, plans and tenant model overrides: the same answers from every backend."""

from __future__ import annotations

from dataclasses import replace

from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.plans import ALL, Plan
from promptsaas.domain.prompts import VersionStatus
from tests.integration.persistence.conftest import Backend
from tests.integration.persistence.entities import agent, model, plan, version


async def test_agents_round_trip_by_id_and_slug_in_slug_order(backend: Backend) -> None:
    writer, tutor = agent("t1", "a1", "writer"), agent("t1", "a2", "tutor")
    async with backend.uow() as uow:
        await uow.agents.add(writer)
        await uow.agents.add(tutor)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.agents.get("t1", "a1") == writer
        assert await uow.agents.get_by_slug("t1", "tutor") == tutor
        assert await uow.agents.get_by_slug("t1", "nope") is None
        assert await uow.agents.list("t1") == [tutor, writer]
        await uow.agents.update(
            replace(writer, status=AgentStatus.RETIRED, styles={}, history_turns=0, accepts_client_system=True)
        )
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.agents.get("t1", "a1") == replace(
            writer, status=AgentStatus.RETIRED, styles={}, history_turns=0, accepts_client_system=True
        )


async def test_versions_keep_their_content_and_change_only_their_status(backend: Backend) -> None:
    v1, v2 = version("t1", "a1", 1, VersionStatus.ACTIVE), version("t1", "a1", 2)
    async with backend.uow() as uow:
        await uow.versions.add(v2)
        await uow.versions.add(v1)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.versions.get("t1", "a1", 2) == v2
        assert await uow.versions.get_active("t1", "a1") == v1
        assert await uow.versions.list("t1", "a1") == [v1, v2]
        await uow.versions.set_status(v1.archived())
        await uow.versions.set_status(v2.activated(1))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.versions.get_active("t1", "a1") == v2.activated(1)
        assert await uow.versions.list("t1", "a1") == [v1.archived(), v2.activated(1)]
        assert await uow.versions.get_active("t1", "a2") is None


async def test_plans_round_trip_by_code(backend: Backend) -> None:
    pro = plan("t1", "pro")
    unlimited = Plan("plan-all", "t1", "all", "Everything", agents=ALL, channels=ALL)
    async with backend.uow() as uow:
        await uow.plans.add(pro)
        await uow.plans.add(unlimited)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.plans.get_by_code("t1", "pro") == pro
        assert await uow.plans.list("t1") == [unlimited, pro]
        await uow.plans.update(replace(pro, name="Pro 2", price=None, limits=(), retention_days=None))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.plans.get_by_code("t1", "pro") == replace(
            pro, name="Pro 2", price=None, limits=(), retention_days=None
        )


async def test_a_model_override_is_put_twice_and_kept_once(backend: Backend) -> None:
    spec = model()
    async with backend.uow() as uow:
        await uow.models.put("t1", spec)
        await uow.models.put("t1", replace(spec, context_window=1000))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.models.list("t1") == [replace(spec, context_window=1000)]
        assert await uow.models.list("t2") == []
