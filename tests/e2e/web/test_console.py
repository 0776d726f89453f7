"""An operator in the browser: the dashboard, a prompt edited as a new version, its side-by-side diff, activated
and rolled back (each in the audit log), the usage report with its CSV export (by user: emails), and the users
page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import log_in, shot

NEW_SYSTEM = "You are a cheerful {{ level }} math tutor. Explain each step."


def test_an_admin_edits_a_prompt_sees_the_diff_activates_and_rolls_back(page: Page, web_server: ServerProcess) -> None:
    log_in(page, web_server.demo.admin["email"], web_server.demo.admin["password"])
    page.goto("/admin")
    expect(page.get_by_role("img", name=re.compile(r"^Calls per day"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile(r"^Revenue per month"))).to_be_visible()
    expect(page.locator(".tile").first).to_contain_text("Calls")
    shot(page, "admin-dashboard")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agents").click()
    page.get_by_role("link", name="Math tutor").click()
    active_before = page.locator("tr", has=page.locator(".badge.active")).locator("td").first.inner_text()
    page.get_by_label("System template").fill(NEW_SYSTEM)
    page.get_by_label("Note").fill("friendlier tone")
    shot(page, "admin-agent")
    page.get_by_role("button", name="Save draft and see the diff").click()

    expect(page).to_have_url(re.compile(r"/admin/agents/tutor/diff\?a=\d+&b=\d+$"))
    expect(page.locator(".diff .del")).to_contain_text(["patient"])
    expect(page.locator(".diff .ins")).to_contain_text(["cheerful"])
    shot(page, "admin-diff")
    new = re.search(r"b=(\d+)", page.url)
    assert new is not None
    page.get_by_role("button", name=f"Activate v{new.group(1)}").click()
    expect(page.get_by_role("status")).to_have_text(f"Activated version {new.group(1)}.")
    expect(page.locator("tr", has=page.locator(".badge.active"))).to_contain_text(f"v{new.group(1)}")

    page.get_by_role("button", name="Roll back to the previous active version").click()
    expect(page.get_by_role("status")).to_have_text(f"Rolled back to version {active_before.removeprefix('v')}.")
    expect(page.locator("tr", has=page.locator(".badge.active"))).to_contain_text(active_before)

    page.goto("/admin/audit")
    expect(page.locator("tbody")).to_contain_text("prompt.activate")
    expect(page.locator("tbody")).to_contain_text("prompt.rollback")
    shot(page, "admin-audit")


def test_a_draft_the_catalog_rejects_shows_why_and_keeps_the_text(page: Page, web_server: ServerProcess) -> None:
    log_in(page, web_server.demo.admin["email"], web_server.demo.admin["password"])
    page.goto("/admin/agents/tutor")
    rows = page.locator("tbody tr").count()
    page.get_by_label("System template").fill("Hello {{ undeclared }}")
    page.get_by_role("button", name="Save draft and see the diff").click()
    expect(page.get_by_role("alert")).to_contain_text("undeclared")
    expect(page.get_by_label("System template")).to_have_value("Hello {{ undeclared }}")
    expect(page.locator("tbody tr")).to_have_count(rows)


def test_the_usage_report_filters_and_exports_csv(page: Page, web_server: ServerProcess) -> None:
    log_in(page, web_server.demo.admin["email"], web_server.demo.admin["password"])
    page.goto("/admin/usage")
    page.get_by_label("Group by").select_option("day")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"group_by=day"))
    shot(page, "admin-usage")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    lines = open(download.value.path()).read().splitlines()  # noqa: SIM115
    assert lines[0] == "day,requests,input_tokens,output_tokens,cost_micros,errors"
    page.goto("/admin/usage?since=yesterday")
    expect(page.get_by_role("alert")).to_contain_text("since must be a date")

    page.goto("/admin/users")
    expect(page.locator("tbody")).to_contain_text(web_server.demo.member["email"])
    shot(page, "admin-users")
    page.goto("/admin/plans")
    expect(page.locator("tbody").first).to_contain_text("free")
    shot(page, "admin-plans")


def test_the_usage_report_by_user_names_each_user_by_email(page: Page, web_server: ServerProcess) -> None:
    demo = web_server.demo
    with web_server.client(**{"X-API-Key": demo.api_key}) as http:
        assert http.post("/v1/agents/tutor/runs", json={"input": "hello"}).status_code == 200
    log_in(page, demo.admin["email"], demo.admin["password"])
    page.goto("/admin/usage?group_by=user")
    member_row = page.locator("tbody tr", has_text=demo.member["email"])
    expect(member_row).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    header, *rows = open(download.value.path()).read().splitlines()  # noqa: SIM115
    assert header == "user,requests,input_tokens,output_tokens,cost_micros,errors,user_id"
    assert any(row.startswith(demo.member["email"] + ",") for row in rows), rows


def test_a_member_cannot_open_the_console(page: Page, web_server: ServerProcess) -> None:
    log_in(page, web_server.demo.member["email"], web_server.demo.member["password"])
    expect(page.get_by_role("link", name="Console")).to_have_count(0)
    response = page.goto("/admin")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("admin role")
    assert page.goto("/admin/agents/tutor") is not None
    expect(page.get_by_label("System template")).to_have_count(0)
