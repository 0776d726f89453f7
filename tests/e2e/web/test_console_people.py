"""An operator manages a member from the users page: grants a plan for some days and cancels it, changes the
member's role and status (a disabled member can no longer log in); the plans page lists plans and packs."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import log_in, shot
from tests.e2e.web.test_signup import form_client, sign_up
from tests.e2e.web.test_signup import log_in as form_log_in

EMAIL = "grantee@example.com"


def test_an_admin_grants_and_cancels_a_subscription_and_changes_role_and_status(
    page: Page, web_server: ServerProcess
) -> None:
    with form_client(web_server) as client:
        assert sign_up(client, web_server.demo.tenant, EMAIL).status_code == 202
        assert form_log_in(client, web_server.demo.tenant, EMAIL).status_code == 302
    log_in(page, web_server.demo.admin["email"], web_server.demo.admin["password"])
    page.goto("/admin/users")
    row = page.locator("tbody tr", has_text=EMAIL)
    expect(row).not_to_contain_text("pro (active)")

    row.get_by_label("Plan").select_option("pro")
    row.get_by_label("Days").fill("30")
    row.get_by_role("button", name=f"Grant to {EMAIL}").click()
    expect(page.get_by_role("status")).to_have_text(f"Saved pro for {EMAIL}.")
    expect(row).to_contain_text(re.compile(r"pro \(active\), until \d{4}-\d\d-\d\d"))
    shot(page, "admin-users-grant")

    row.get_by_role("button", name=f"Cancel pro for {EMAIL}").click()
    expect(page.get_by_role("status")).to_have_text("Saved pro (canceled).")
    expect(row).to_contain_text("pro (canceled)")
    expect(row.get_by_role("button", name=f"Cancel pro for {EMAIL}")).to_have_count(0)

    row.get_by_label("Role").select_option("admin")
    row.get_by_label("Status").select_option("disabled")
    row.get_by_role("button", name=f"Save {EMAIL}").click()
    expect(page.get_by_role("status")).to_have_text(f"Saved {EMAIL}.")
    expect(row.get_by_label("Role")).to_have_value("admin")
    expect(row.get_by_label("Status")).to_have_value("disabled")
    with form_client(web_server) as client:
        refused: httpx.Response = form_log_in(client, web_server.demo.tenant, EMAIL)
        assert refused.status_code == 400
        assert "email or password is wrong" in refused.text
    page.goto("/admin/audit")
    expect(page.locator("tbody")).to_contain_text("subscription.grant")


PACK = {
    "code": "boost",
    "name": "Boost pack",
    "kind": "pack",
    "price": {"once": 500, "currency": "usd"},
    "expires_days": 90,
    "agents": ["tutor"],
    "limits": [{"metric": "requests", "window": "grant", "amount": 100}],
}


def test_the_plans_page_lists_plans_and_packs_and_changes_a_plan(page: Page, web_server: ServerProcess) -> None:
    demo = web_server.demo
    with web_server.client(**{"X-Tenant": demo.tenant}) as api:
        body = {"email": demo.admin["email"], "password": demo.admin["password"]}
        bearer = {"Authorization": f"Bearer {api.post('/v1/auth/login', json=body).json()['access_token']}"}
        assert api.put("/v1/admin/catalog", json={"plans": [PACK]}, headers=bearer).status_code == 200
    log_in(page, demo.admin["email"], demo.admin["password"])
    page.goto("/admin/plans")
    pro = page.locator("tr", has_text="Pro")
    expect(pro).to_contain_text("9.00 USD/month")
    expect(pro).to_contain_text("90.00 USD/year")
    expect(pro).to_contain_text("20 requests per minute")
    pack = page.locator("tr", has_text="Boost pack")
    expect(pack).to_contain_text("5.00 USD once")
    expect(pack).to_contain_text("100 requests per grant")
    expect(pack).to_contain_text("90 days after purchase")
    expect(pack).to_contain_text("tutor")

    page.locator("details", has=page.locator("#limits-pro")).locator("summary").click()
    page.locator("#limits-pro").fill("30 requests per minute\nunlimited tokens per billing period")
    page.get_by_role("button", name="Save pro").click()
    expect(page.get_by_role("status")).to_have_text("Saved pro.")
    expect(pro).to_contain_text("30 requests per minute")
    expect(pro).to_contain_text("unlimited tokens per billing period")
    shot(page, "admin-plans-edit")

    page.locator("details", has=page.locator("#limits-boost")).locator("summary").click()
    page.locator("#limits-boost").fill("100 requests per day")
    page.get_by_role("button", name="Save boost").click()
    expect(page.get_by_role("alert")).to_contain_text("a pack's quotas use the non-resetting window 'grant'")
    page.goto("/admin/plans")
    expect(pack).to_contain_text("100 requests per grant")
