"""A report asked for a range that ends before it starts says so, naming `until`, instead of an empty report that
reads as "nothing happened": the usage and revenue reports and the payments list, over the API and in the console."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.http.test_out_of_bounds_forms import BASE, as_admin
from tests.e2e.http.world import World, world

REVERSED = {"since": "2026-12-10T00:00:00Z", "until": "2026-12-01T00:00:00Z"}


@pytest.fixture
async def made(tmp_path: Path) -> AsyncIterator[World]:
    async with world(f"sqlite:///{tmp_path / 'world.db'}", tmp_path) as built:
        yield built


@pytest.mark.parametrize("path", ["/v1/admin/usage", "/v1/admin/revenue", "/v1/admin/payments"])
async def test_the_api_refuses_a_reversed_range(made: World, path: str) -> None:
    answer = await made.client.get(path, params=REVERSED, headers=made.a.admin.bearer)
    assert answer.status_code == 400, answer.text
    problem = answer.json()
    assert (problem["code"], problem["field"]) == ("invalid_request", "until")
    assert "until (2026-12-01 00:00) is before since (2026-12-10 00:00)" in problem["detail"]


async def test_a_range_of_one_instant_is_still_a_report(made: World) -> None:
    same = {"since": REVERSED["since"], "until": REVERSED["since"]}
    answer = await made.client.get("/v1/admin/usage", params=same, headers=made.a.admin.bearer)
    assert answer.status_code == 200, answer.text


async def test_the_console_usage_page_says_the_range_is_reversed(made: World) -> None:
    await as_admin(made)
    page = await made.client.get(f"{BASE}/admin/usage", params={"since": "2026-12-10", "until": "2026-12-01"})
    assert page.status_code == 400
    assert "is before since" in page.text
