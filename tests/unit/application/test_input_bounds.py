"""The services check the bounds on what any shell passes (web form, CLI, library, HTTP): a grant's days, a plan's
numbers and name, an agent's name, a version's note, a user's display name. A refusal names the field and changes
nothing; a value stored before the bounds keeps working."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from fakes import FakeClock

from promptsaas.domain.bounds import MAX_DAYS, MAX_NAME, MAX_NOTE
from promptsaas.domain.errors import CatalogInvalid, InvalidInput
from promptsaas.domain.plans import Limit, Metric, Window
from promptsaas.domain.prompts import PromptContent
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

ANN = "ann@example.com"


async def test_a_grant_past_max_days_is_refused_naming_days_and_max_days_ends_a_hundred_years_on(
    tenant: AsyncTenant, clock: FakeClock
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await tenant.grant_subscription(ANN, "free", days=999_999_999)

    assert refused.value.field == "days"
    assert f"{MAX_DAYS:,}" in refused.value.message
    assert await tenant.subscriptions(ANN) == []
    granted = await tenant.grant_subscription(ANN, "free", days=MAX_DAYS)
    assert granted.current_period_end == clock.now() + timedelta(days=MAX_DAYS)


PLAN_CHANGES = [
    ("priority", {"priority": 99_999_999_999_999_999_999_999}),
    ("retention_days", {"retention_days": 99_999_999_999}),
    ("limits", {"limits": (Limit(Metric.REQUESTS, Window.DAY, 99_999_999_999_999_999_999_999),)}),
    ("name", {"name": ""}),
    ("name", {"name": "P" * 3000}),
]


@pytest.mark.parametrize(("field", "changes"), PLAN_CHANGES, ids=[f"{f}-{i}" for i, (f, _) in enumerate(PLAN_CHANGES)])
async def test_a_plan_change_past_a_bound_is_refused_naming_the_field_and_changes_nothing(
    platform: AsyncPlatform, tenant: AsyncTenant, field: str, changes: dict[str, object]
) -> None:
    plans = platform.container.plans()
    before = await plans.plan(await tenant.id(), "free")

    with pytest.raises(InvalidInput) as refused:
        await plans.update(await tenant.id(), "free", **changes)

    assert refused.value.field == field
    assert await plans.plan(await tenant.id(), "free") == before


async def stored_without_checks(platform: AsyncPlatform, tenant: AsyncTenant, **values: object) -> None:
    """Write a plan the way a release without the bounds could have: straight through the repository."""
    async with platform.container.uow()() as uow:
        stored = await uow.plans.get_by_code(await tenant.id(), "free")
        assert stored is not None
        await uow.plans.update(replace(stored, **values))  # type: ignore[arg-type]
        await uow.commit()


async def test_a_plan_stored_before_the_bounds_keeps_working_in_the_purge_and_stays_editable_field_by_field(
    platform: AsyncPlatform, tenant: AsyncTenant, clock: FakeClock
) -> None:
    await stored_without_checks(platform, tenant, name="F" * 3000, retention_days=99_999_999_999)
    await tenant.chat(ANN, "tutor", "hello")
    clock.advance(timedelta(days=400))
    plans = platform.container.plans()

    assert (await tenant.purge(dry_run=True)).messages == 0
    assert (await tenant.purge()).messages == 0
    changed = await plans.update(await tenant.id(), "free", priority=7)
    fixed = await plans.update(await tenant.id(), "free", name="Free", retention_days=30)

    assert (changed.priority, changed.name) == (7, "F" * 3000)
    assert (fixed.name, fixed.retention_days) == ("Free", 30)


async def test_an_agent_name_past_max_name_is_refused_on_create_and_on_change(
    platform: AsyncPlatform, tenant: AsyncTenant
) -> None:
    catalog, tenant_id = platform.container.catalog(), await tenant.id()

    with pytest.raises(InvalidInput) as on_create:
        await catalog.create_agent(tenant_id, "longname", "N" * 5000)
    with pytest.raises(InvalidInput) as on_change:
        await catalog.update_agent(tenant_id, "tutor", name=" ")

    assert (on_create.value.field, on_change.value.field) == ("name", "name")
    assert "longname" not in [a.slug for a in await catalog.agents(tenant_id)]
    assert (await catalog.agent(tenant_id, "tutor")).name != " "
    assert (await catalog.create_agent(tenant_id, "fits", "N" * MAX_NAME)).name == "N" * MAX_NAME


async def test_a_version_note_past_max_note_is_refused_and_no_version_is_made(
    platform: AsyncPlatform, tenant: AsyncTenant
) -> None:
    catalog, tenant_id = platform.container.catalog(), await tenant.id()
    count = len(await catalog.versions(tenant_id, "tutor"))
    content = PromptContent("You tutor.", "offline:echo")

    with pytest.raises(InvalidInput) as refused:
        await catalog.create_version(tenant_id, "tutor", content, note="n" * 5000)

    assert refused.value.field == "note"
    assert len(await catalog.versions(tenant_id, "tutor")) == count
    made = await catalog.create_version(tenant_id, "tutor", content, note="n" * MAX_NOTE)
    assert made.note == "n" * MAX_NOTE


async def test_a_display_name_past_max_name_is_refused_and_no_user_is_made(tenant: AsyncTenant) -> None:
    with pytest.raises(InvalidInput) as refused:
        await tenant.create_user("long@example.com", "long-enough-pw", display_name="N" * 5000)
    accounts = await tenant.accounts()
    with pytest.raises(InvalidInput):
        await accounts.sign_up("signup@example.com", "long-enough-pw", display_name="N" * 5000)

    assert refused.value.field == "display_name"
    emails = {u.email for u in await tenant.users()}
    assert not {"long@example.com", "signup@example.com"} & emails


async def test_a_catalog_names_the_path_of_a_name_or_note_past_its_bound(tenant: AsyncTenant) -> None:
    document = {
        "agents": [{"slug": "long", "name": "N" * 500, "prompt": {"system": "Hi.", "note": "n" * 5000}}],
        "plans": [{"code": "blank", "name": " "}],
    }

    with pytest.raises(CatalogInvalid) as refused:
        await tenant.apply_catalog(document)

    message = str(refused.value)
    for path in ("agents[0].name", "agents[0].prompt.note", "plans[0].name"):
        assert path in message
