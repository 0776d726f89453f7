"""Web forms cannot carry a NUL byte either: url-encoded or multipart, the page says which field is wrong, and
nothing is stored (PostgreSQL cannot hold a NUL, SQLite would keep it silently)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.http.world import World, world

BASE = "http://web.example"


@pytest.fixture(params=["memory", "sqlite"])
async def web_world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'world.db'}"
    async with world(url, tmp_path) as made:
        yield made


async def post_form(made: World, path: str, fields: dict[str, str], *, multipart: bool) -> Any:
    client = made.client
    await client.get(f"{BASE}/signup")
    form = {"_csrf": client.cookies["ps_csrf"], **fields}
    if multipart:
        parts = {name: (None, value) for name, value in form.items()}
        return await client.post(f"{BASE}{path}", files=parts, follow_redirects=False)
    return await client.post(f"{BASE}{path}", data=form, follow_redirects=False)


@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
async def test_a_nul_byte_in_a_sign_up_form_is_refused_naming_the_field(web_world: World, multipart: bool) -> None:
    fields = {"workspace": web_world.a.slug, "email": "nul@acme.example", "password": "n3w-pa55word"}
    answer = await post_form(web_world, "/signup", {**fields, "display_name": "A\x00da"}, multipart=multipart)

    assert answer.status_code == 400, answer.text
    assert "display_name must not contain a NUL byte" in answer.text
    login = {"email": "nul@acme.example", "password": "n3w-pa55word"}
    refused = await web_world.client.post("/v1/auth/login", json=login, headers={"X-Tenant": web_world.a.slug})
    assert refused.status_code == 401


@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
async def test_a_nul_byte_in_a_login_form_email_is_refused_naming_the_field(web_world: World, multipart: bool) -> None:
    member = web_world.a.member
    fields = {"workspace": web_world.a.slug, "email": f"{member.email}\x00", "password": member.password}
    answer = await post_form(web_world, "/login", fields, multipart=multipart)

    assert answer.status_code == 400, answer.text
    assert "email must not contain a NUL byte" in answer.text
    assert "ps_access" not in answer.headers.get("set-cookie", "")
