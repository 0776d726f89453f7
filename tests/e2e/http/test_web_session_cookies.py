"""Session cookies in this process (litestar's test client): `Secure` only under HTTPS, and an access token that
no longer proves anything is replaced from the refresh token on the next page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.http.world import World, world


@pytest.fixture
async def web_world(tmp_path: Path) -> AsyncIterator[World]:
    async with world("memory://", tmp_path) as made:
        yield made


async def log_in(made: World, base: str) -> dict[str, str]:
    """Log the tenant A member in through the form; the Set-Cookie headers of the answer, by cookie name."""
    client = made.client
    client.cookies.clear()
    await client.get(f"{base}/login")
    form = {
        "_csrf": client.cookies["ps_csrf"],
        "workspace": made.a.slug,
        "email": made.a.member.email,
        "password": made.a.member.password,
    }
    answer = await client.post(f"{base}/login", data=form, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    return {h.split("=", 1)[0]: h for h in answer.headers.get_list("set-cookie")}


@pytest.mark.parametrize(("base", "secure"), [("https://web.example", True), ("http://web.example", False)])
async def test_session_cookies_are_httponly_lax_and_secure_under_https(
    web_world: World, base: str, secure: bool
) -> None:
    cookies = await log_in(web_world, base)
    for name in ("ps_access", "ps_refresh"):
        header = cookies[name].lower()
        assert "httponly" in header
        assert "samesite=lax" in header
        assert ("secure" in header) is secure


async def test_a_dead_access_token_is_replaced_from_the_refresh_token(web_world: World) -> None:
    await log_in(web_world, "http://web.example")
    client = web_world.client
    client.cookies.set("ps_access", "not-a-token", domain="web.example")
    page = await client.get("http://web.example/", follow_redirects=False)
    assert page.status_code == 200
    assert "Agents" in page.text
    assert client.cookies.get("ps_access", domain="web.example") != "not-a-token"
    client.cookies.set("ps_refresh", "not-a-refresh-token", domain="web.example")
    client.cookies.set("ps_access", "not-a-token", domain="web.example")
    gone = await client.get("http://web.example/settings", follow_redirects=False)
    assert gone.status_code == 302
    assert gone.headers["location"] == "/login?next=/settings"
