"""Publishing needs an active prompt version; a test run of a draft answers from the chosen model, activates
nothing, charges no plan, is audited, and is for admins only."""

from __future__ import annotations

import pytest

from promptsaas.domain.errors import Forbidden, InvalidInput
from promptsaas.domain.prompts import VersionStatus
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

LEVEL = {"level": {"type": "enum", "values": ["beginner", "expert"], "default": "beginner"}}


async def test_publishing_an_agent_without_an_active_version_is_refused(
    platform: AsyncPlatform, tenant: AsyncTenant
) -> None:
    catalog = platform.container.catalog()
    tenant_id = await tenant.id()
    await catalog.create_agent(tenant_id, "poet", "Poet", status="draft")

    with pytest.raises(InvalidInput, match="no active prompt version") as refused:
        await tenant.publish_agent("poet")

    assert refused.value.code == "no_active_version"
    await tenant.create_prompt_version("poet", system="You write poems.", model="offline:echo")
    await tenant.activate_prompt_version("poet", 1)
    assert (await tenant.publish_agent("poet")).status.value == "published"


async def test_a_draft_test_run_answers_and_leaves_the_active_version_and_usage_alone(
    platform: AsyncPlatform, tenant: AsyncTenant
) -> None:
    admin = await tenant.create_user("boss@example.com", role="admin")
    draft = await tenant.create_prompt_version(
        "tutor", system="You are a terse {{ level }} tutor.", model="offline:echo", variables=LEVEL
    )

    answer = await platform.container.prompt_trials().run(
        admin, "tutor", draft, "offline:echo", "what is 2 + 2?", {"level": "expert"}
    )

    assert answer.text == "You said: what is 2 + 2?"
    statuses = {v.number: v.status for v in await tenant.prompt_versions("tutor")}
    assert statuses == {1: VersionStatus.ACTIVE, draft: VersionStatus.DRAFT}
    assert await tenant.usage_report() == []
    trial = (await tenant.audit_log(1))[0]
    assert (trial.action, trial.target) == ("prompt.trial", f"tutor@v{draft}")
    assert "model=offline:echo" in trial.after


async def test_a_member_cannot_run_a_test(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    ann = next(u for u in await tenant.users() if u.email == "ann@example.com")

    with pytest.raises(Forbidden):
        await platform.container.prompt_trials().run(ann, "tutor", 1, "offline:echo", "hi", {})
