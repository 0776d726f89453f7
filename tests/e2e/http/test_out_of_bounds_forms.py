"""The console's forms and the API refuse a number or a text past its bound (`domain.bounds`) with a 400 naming the
field, never a 500, and store nothing: a grant of a billion days, a 23-digit priority or limit, a retention of a
hundred billion days, a blank or 3,000-character plan name, a 5,000-character agent name, note or display name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from promptsaas.domain.bounds import MAX_COUNT, MAX_DAYS, MAX_NAME
from promptsaas.domain.plans import Limit, Metric, Window
from tests.e2e.http.world import World, world

BASE = "http://web.example"
PLAN_FORM = {
    "name": "Free",
    "status": "active",
    "public": "on",
    "retention_days": "30",
    "priority": "0",
    "limits": "5 requests per day",
}


@pytest.fixture(params=["memory", "sqlite"])
async def web_world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'world.db'}"
    async with world(url, tmp_path) as made:
        yield made


async def as_admin(made: World) -> None:
    """Sign the test client in to the console as tenant A's admin."""
    await made.client.get(f"{BASE}/login")
    admin = made.a.admin
    form = {"workspace": made.a.slug, "email": admin.email, "password": admin.password}
    signed = await post_form(made, "/login", form)
    assert signed.status_code in (302, 303), signed.text


async def post_form(made: World, path: str, fields: dict[str, str]) -> Any:
    form = {"_csrf": made.client.cookies["ps_csrf"], **fields}
    return await made.client.post(f"{BASE}{path}", data=form, follow_redirects=False)


async def plan_as_the_api_shows_it(made: World, code: str = "free") -> dict[str, Any]:
    answer = await made.client.get(f"/v1/admin/plans/{code}", headers=made.a.admin.bearer)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


PLAN_CASES = {
    "a 23-digit priority": ({"priority": "99999999999999999999999"}, "priority must be between"),
    "a 5,000-digit priority": ({"priority": "9" * 5000}, "priority must be a whole number of at most"),
    "a retention of 99,999,999,999 days": ({"retention_days": "99999999999"}, "retention_days must be between"),
    "a 23-digit limit": (
        {"limits": "99999999999999999999999 requests per day"},
        f"amount must be at most {MAX_COUNT:,}",
    ),
    "an empty name": ({"name": ""}, "name must not be blank"),
    "a 3,000-character name": ({"name": "P" * 3000}, f"name must be at most {MAX_NAME} characters"),
}


@pytest.mark.parametrize("case", list(PLAN_CASES), ids=list(PLAN_CASES))
async def test_a_plan_form_past_a_bound_is_a_400_naming_the_field_and_changes_nothing(
    web_world: World, case: str
) -> None:
    changes, message = PLAN_CASES[case]
    await as_admin(web_world)
    before = await plan_as_the_api_shows_it(web_world)

    answer = await post_form(web_world, "/admin/plans/free", {**PLAN_FORM, **changes})

    assert answer.status_code == 400, answer.text
    assert message in answer.text
    assert await plan_as_the_api_shows_it(web_world) == before


async def test_a_grant_of_a_billion_days_is_a_400_naming_days_and_grants_nothing(web_world: World) -> None:
    await as_admin(web_world)
    member = web_world.a.member.email

    answer = await post_form(web_world, "/admin/subscriptions", {"email": member, "plan": "pro", "days": "999999999"})

    assert answer.status_code == 400, answer.text
    assert f"days must be between 1 and {MAX_DAYS:,}" in answer.text
    listed = await web_world.client.get(f"/v1/admin/subscriptions?user={member}", headers=web_world.a.admin.bearer)
    assert listed.status_code == 200, listed.text
    assert listed.json() == []


async def test_an_agent_name_and_a_version_note_past_their_bounds_are_a_400_and_store_nothing(
    web_world: World,
) -> None:
    await as_admin(web_world)
    admin = web_world.a.admin.bearer
    before = (await web_world.client.get("/v1/admin/agents/tutor/versions", headers=admin)).json()
    new_agent = {"slug": "longname", "name": "N" * 5000, "description": "", "history_turns": "2"}
    version = {"model": "offline:echo", "system": "Hi", "user": "", "variables": "", "params": "", "note": "n" * 5000}

    created = await post_form(web_world, "/admin/agents/", new_agent)
    renamed = await post_form(web_world, "/admin/agents/tutor/settings", {"name": "", "history_turns": "2"})
    noted = await post_form(web_world, "/admin/agents/tutor/versions", version)

    assert (created.status_code, renamed.status_code, noted.status_code) == (400, 400, 400)
    assert f"name must be at most {MAX_NAME} characters" in created.text
    assert "name must not be blank" in renamed.text
    assert "note must be at most 2,000 characters" in noted.text
    assert (await web_world.client.get("/v1/admin/agents/longname", headers=admin)).status_code == 404
    assert (await web_world.client.get("/v1/admin/agents/tutor", headers=admin)).json()["name"] != ""
    assert (await web_world.client.get("/v1/admin/agents/tutor/versions", headers=admin)).json() == before


async def test_a_sign_up_with_a_5000_character_name_is_a_400_and_makes_no_account(web_world: World) -> None:
    await web_world.client.get(f"{BASE}/signup")
    fields = {"workspace": web_world.a.slug, "email": "long@acme.example", "password": "n3w-pa55word"}

    answer = await post_form(web_world, "/signup", {**fields, "display_name": "N" * 5000})

    assert answer.status_code == 400, answer.text
    assert f"display_name must be at most {MAX_NAME} characters" in answer.text
    login = {"email": "long@acme.example", "password": "n3w-pa55word"}
    refused = await web_world.client.post("/v1/auth/login", json=login, headers={"X-Tenant": web_world.a.slug})
    assert refused.status_code == 401


async def test_the_api_refuses_a_blank_plan_name_and_grants_up_to_max_days(web_world: World) -> None:
    admin = web_world.a.admin.bearer
    before = await plan_as_the_api_shows_it(web_world)

    blank = await web_world.client.patch("/v1/admin/plans/free", json={"name": "   "}, headers=admin)
    grant = {"email": web_world.a.member.email, "plan": "pro"}
    too_long = await web_world.client.post(
        "/v1/admin/subscriptions", json={**grant, "days": MAX_DAYS + 1}, headers=admin
    )
    longest = await web_world.client.post("/v1/admin/subscriptions", json={**grant, "days": MAX_DAYS}, headers=admin)

    assert (blank.status_code, blank.json()["code"], blank.json().get("field")) == (400, "invalid_request", "name")
    assert await plan_as_the_api_shows_it(web_world) == before
    assert (too_long.status_code, too_long.json()["code"]) == (400, "invalid_request")
    assert longest.status_code == 201, longest.text


async def test_limits_and_a_retention_stored_before_the_bounds_keep_calls_and_the_purge_working(
    web_world: World,
) -> None:
    async with web_world.platform.container.uow()() as uow:
        stored = await uow.plans.get_by_code(web_world.a.id, "free")
        assert stored is not None
        huge = (Limit(Metric.REQUESTS, Window.DAY, 10**23 - 1), Limit(Metric.TOKENS, Window.MONTH, 10**40))
        await uow.plans.update(replace(stored, limits=huge, retention_days=99_999_999_999))
        await uow.commit()

    run = await web_world.client.post("/v1/agents/tutor/runs", json={"input": "hi"}, headers=web_world.a.member.bearer)

    assert run.status_code == 200, run.text
    assert {lim["limit"] for lim in run.json()["limits"]} == {MAX_COUNT}
    assert (await web_world.a.library.purge(dry_run=True)).messages == 0
