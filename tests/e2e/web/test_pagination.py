"""A console list longer than a page: the audit log shows 50 entries a page; following "Next" shows the following
ones, none of the first page repeated."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import log_in

PER_PAGE = 50


def test_following_next_in_the_audit_log_shows_the_next_entries_none_repeated(
    page: Page, web_server: ServerProcess
) -> None:
    admin = web_server.demo.admin
    with web_server.client(**{"x-tenant": web_server.demo.tenant}) as api:
        login = api.post("/v1/auth/login", json={"email": admin["email"], "password": admin["password"]})
        assert login.status_code == 200, login.text
        bearer = {"authorization": f"Bearer {login.json()['access_token']}"}
        for n in range(PER_PAGE + 5):
            created = api.post("/v1/me/api-keys", json={"name": f"page-key-{n:02d}"}, headers=bearer)
            assert created.status_code == 201, created.text

    log_in(page, admin["email"], admin["password"])
    page.goto("/admin/audit")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(PER_PAGE)
    first = [rows.nth(i).inner_text() for i in range(PER_PAGE)]
    assert "page-key-54" in first[0]  # newest first
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 1 of")
    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 2 of")
    second = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert second
    assert not set(first) & set(second)
    assert "page-key-04" in second[0]  # the entry after the first page's last one
