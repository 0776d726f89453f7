"""Every list route pages the same way: `?limit=` and `?cursor=` in, the array and `X-Next-Cursor` out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.http.server_process import ENGINES, fresh_database
from tests.e2e.http.world import World, world
from tests.integration.persistence.conftest import migrate

EXTRA_AGENTS = [f"agent-{n:02d}" for n in range(9)]


@pytest.fixture(params=ENGINES)
async def paged_world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    """The app in this process on a SQLite file or a PostgreSQL database, tenant A selling nine more agents."""
    with fresh_database(request, tmp_path) as url:
        async with world(migrate(url), tmp_path) as made:
            agents = [
                {"slug": slug, "name": slug.title(), "prompt": {"system": "Help.", "model": "offline:echo"}}
                for slug in EXTRA_AGENTS
            ]
            await made.a.library.apply_catalog({"agents": agents})
            for n in range(5):
                await made.a.library.create_user(f"member{n}@acme.example", "member-pa55word")
            yield made


async def walk(made: World, path: str, limit: int) -> tuple[list[Any], int]:
    """Every item of a list route, following `X-Next-Cursor` page after page; and how many pages it took."""
    items: list[Any] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = await made.client.get(path, params=params, headers=made.a.admin.bearer)
        assert response.status_code == 200, response.text
        page = response.json()
        assert isinstance(page, list)
        assert len(page) <= limit
        items.extend(page)
        pages += 1
        cursor = response.headers.get("X-Next-Cursor")
        if cursor is None:
            return items, pages
        assert pages < 100, "the walk does not end"


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/v1/agents", "slug"),
        ("/v1/admin/agents", "slug"),
        ("/v1/admin/users", "id"),
        ("/v1/admin/audit", "id"),
    ],
)
async def test_a_page_walk_returns_every_item_once_in_order(paged_world: World, path: str, key: str) -> None:
    everything = await paged_world.client.get(path, params={"limit": 200}, headers=paged_world.a.admin.bearer)
    assert everything.status_code == 200
    assert "X-Next-Cursor" not in everything.headers
    whole = [item[key] for item in everything.json()]

    walked, pages = await walk(paged_world, path, 2)

    assert [item[key] for item in walked] == whole
    assert len(set(whole)) == len(whole)
    assert pages == -(-len(whole) // 2), "no empty last page"


async def test_the_storefront_walk_lists_agents_by_slug_on_every_engine(paged_world: World) -> None:
    walked, _ = await walk(paged_world, "/v1/agents", 3)

    slugs = [agent["slug"] for agent in walked]
    assert slugs == sorted(slugs)
    assert set(EXTRA_AGENTS) <= set(slugs)
    assert {"tutor", "writer", "translator"} <= set(slugs)


async def test_the_users_walk_lists_users_oldest_first(paged_world: World) -> None:
    walked, _ = await walk(paged_world, "/v1/admin/users", 2)

    emails = [user["email"] for user in walked]
    assert emails == ["admin@acme.example", "member@acme.example", *(f"member{n}@acme.example" for n in range(5))]


@pytest.mark.parametrize("limit", ["0", "201", "-3"])
async def test_a_limit_out_of_range_is_invalid_limit(any_world: World, limit: str) -> None:
    for path in ("/v1/agents", "/v1/admin/users", "/v1/admin/audit", "/v1/conversations", "/v1/me/api-keys"):
        response = await any_world.client.get(path, params={"limit": limit}, headers=any_world.a.admin.bearer)

        assert response.status_code == 400, (path, response.text)
        assert response.json()["code"] == "invalid_limit"


@pytest.mark.parametrize("cursor", ["not-a-cursor", "W10", "WyJ4IiwieSIsInoiXQ", "!!!", "eyJhIjoxfQ"])
async def test_a_cursor_no_list_handed_out_is_invalid_cursor(any_world: World, cursor: str) -> None:
    for path in ("/v1/agents", "/v1/admin/users", "/v1/admin/agents", "/v1/conversations", "/v1/admin/payments"):
        response = await any_world.client.get(path, params={"cursor": cursor}, headers=any_world.a.admin.bearer)

        assert response.status_code == 400, (path, response.text)
        assert response.json()["code"] == "invalid_cursor"


async def test_a_small_list_answers_one_page_without_a_cursor(any_world: World) -> None:
    response = await any_world.client.get("/v1/plans", headers=any_world.a.member.bearer)

    assert response.status_code == 200
    assert len(response.json()) >= 1
    assert "X-Next-Cursor" not in response.headers
