"""Prompt versions: immutable, activated one at a time, rolled back through the history, diffed and audited."""

from __future__ import annotations

import dataclasses

import pytest
from fakes import RecordingProvider, use_llm

from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.prompts import VersionStatus
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

LEVEL = {"level": {"type": "enum", "values": ["beginner", "expert"], "default": "beginner"}}


async def new_version(tenant: AsyncTenant, system: str, note: str = "") -> int:
    return await tenant.create_prompt_version("tutor", system=system, model="offline:echo", variables=LEVEL, note=note)


async def statuses(tenant: AsyncTenant) -> dict[int, VersionStatus]:
    return {v.number: v.status for v in await tenant.prompt_versions("tutor")}


async def test_a_new_version_is_a_draft_and_leaves_the_active_one_alone(tenant: AsyncTenant) -> None:
    number = await new_version(tenant, "You are a {{ level }} tutor. Be brief.")

    assert number == 2
    assert await statuses(tenant) == {1: VersionStatus.ACTIVE, 2: VersionStatus.DRAFT}


async def test_versions_are_immutable(tenant: AsyncTenant) -> None:
    (v1,) = await tenant.prompt_versions("tutor")

    with pytest.raises(dataclasses.FrozenInstanceError):
        v1.content = v1.content  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        v1.content.system = "You are a pirate."  # type: ignore[misc]
    await tenant.activate_prompt_version("tutor", await new_version(tenant, "You are a {{ level }} tutor. v2"))
    await tenant.activate_prompt_version("tutor", await new_version(tenant, "You are a {{ level }} tutor. v3"))
    await tenant.rollback_prompt("tutor")

    first = (await tenant.prompt_versions("tutor"))[0]
    assert first.content == v1.content
    assert first.content.system == "You are a {{ level }} math tutor."
    assert (first.id, first.created_at) == (v1.id, v1.created_at)


async def test_activating_a_version_archives_the_previous_active_one(tenant: AsyncTenant) -> None:
    number = await new_version(tenant, "You are a {{ level }} tutor. Be brief.")

    activated = await tenant.activate_prompt_version("tutor", number)

    assert activated.status is VersionStatus.ACTIVE
    assert await statuses(tenant) == {1: VersionStatus.ARCHIVED, 2: VersionStatus.ACTIVE}


async def test_rollback_reactivates_the_previous_version(tenant: AsyncTenant) -> None:
    await tenant.activate_prompt_version("tutor", await new_version(tenant, "You are a {{ level }} tutor. Be brief."))

    assert await tenant.rollback_prompt("tutor") == 1

    assert await statuses(tenant) == {1: VersionStatus.ACTIVE, 2: VersionStatus.ARCHIVED}


async def test_repeated_rollback_walks_back_through_the_history(tenant: AsyncTenant) -> None:
    for n in (2, 3, 4):
        await tenant.activate_prompt_version(
            "tutor", await new_version(tenant, f"You are a {{{{ level }}}} tutor {n}.")
        )

    assert [await tenant.rollback_prompt("tutor") for _ in range(3)] == [3, 2, 1]

    assert await statuses(tenant) == {
        n: VersionStatus.ACTIVE if n == 1 else VersionStatus.ARCHIVED for n in (1, 2, 3, 4)
    }
    with pytest.raises(InvalidInput) as raised:
        await tenant.rollback_prompt("tutor")
    assert raised.value.code == "nothing_to_roll_back"


async def test_rollback_without_history_is_refused(tenant: AsyncTenant) -> None:
    with pytest.raises(InvalidInput) as raised:
        await tenant.rollback_prompt("tutor")

    assert raised.value.code == "nothing_to_roll_back"
    assert "tutor" in raised.value.message
    assert await statuses(tenant) == {1: VersionStatus.ACTIVE}


async def test_diff_shows_what_changed(tenant: AsyncTenant) -> None:
    number = await new_version(tenant, "You are a {{ level }} math tutor.\nBe brief.")

    diff = await tenant.prompt_diff("tutor", 1, number)

    assert "--- tutor@v1" in diff
    assert "+++ tutor@v2" in diff
    assert "+  Be brief." in diff
    assert "-user:" in diff, "v2 has no user template"
    assert "  You are a {{ level }} math tutor." in diff
    assert await tenant.prompt_diff("tutor", 1, 1) == ""


async def test_create_activate_and_rollback_each_write_an_audit_entry(tenant: AsyncTenant) -> None:
    before = len(await tenant.audit_log(limit=1000))

    number = await new_version(tenant, "You are a {{ level }} tutor. Be brief.", note="shorter")
    await tenant.activate_prompt_version("tutor", number)
    await tenant.rollback_prompt("tutor")

    newest_first = await tenant.audit_log(limit=1000)
    entries = reversed(newest_first[: len(newest_first) - before])
    assert [(e.action, e.target, e.before, e.after) for e in entries] == [
        ("prompt.create", "tutor@v2", "", "shorter"),
        ("prompt.activate", "tutor", "v1", "v2"),
        ("prompt.rollback", "tutor", "v2", "v1"),
    ]


async def test_activating_the_active_version_again_changes_nothing(tenant: AsyncTenant) -> None:
    before = await tenant.audit_log(limit=1000)

    await tenant.activate_prompt_version("tutor", 1)

    assert await tenant.audit_log(limit=1000) == before
    assert await statuses(tenant) == {1: VersionStatus.ACTIVE}


async def test_chat_after_rollback_uses_the_restored_version(platform: AsyncPlatform, tenant: AsyncTenant) -> None:
    model = RecordingProvider()
    use_llm(platform, offline=model)
    await tenant.activate_prompt_version("tutor", await new_version(tenant, "You are a {{ level }} pirate."))
    assert (await tenant.chat("ann@example.com", "tutor", "Hi")).prompt_version == 2
    assert model.requests[-1].system == "You are a beginner pirate."

    await tenant.rollback_prompt("tutor")
    reply = await tenant.chat("ann@example.com", "tutor", "Hi", variables={"level": "expert"})

    assert reply.prompt_version == 1
    assert model.requests[-1].system == "You are a expert math tutor."
