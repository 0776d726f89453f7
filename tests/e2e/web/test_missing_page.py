"""A URL nothing serves: a browser's navigation gets the app's HTML "Not found" page, as a missing chat does; an API
client (JSON, or no preference for HTML) and every API path keep the problem+json answer."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import shot

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
API_PATHS = [
    "/v1/nonexistent",
    "/v1/webhooks/nonexistent",
    "/metrics/nonexistent",
    "/healthz/x",
    "/readyz/x",
    "/schema/x/y",
]


def test_a_browser_on_an_unknown_url_sees_the_apps_not_found_page(page: Page) -> None:
    answer = page.goto("/nonexistent")
    assert answer is not None
    assert answer.status == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert page.title() == "Not found · promptsaas"
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("there is no page here")
    expect(page.get_by_role("link", name="Back to the agents")).to_be_visible()
    shot(page, "not-found")


def test_the_not_found_page_carries_the_apps_security_headers(web_server: ServerProcess) -> None:
    answer = httpx.get(f"{web_server.url}/nonexistent", headers={"Accept": BROWSER})
    assert answer.status_code == 404
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("accept", ["application/json", "*/*", "application/problem+json", None])
def test_an_api_client_on_an_unknown_url_keeps_problem_json(web_server: ServerProcess, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    answer = httpx.get(f"{web_server.url}/nonexistent", headers=headers)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "not_found"


@pytest.mark.parametrize("path", API_PATHS)
def test_an_unknown_api_path_keeps_problem_json_even_for_a_browser(web_server: ServerProcess, path: str) -> None:
    answer = httpx.get(f"{web_server.url}{path}", headers={"Accept": BROWSER})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "not_found"
