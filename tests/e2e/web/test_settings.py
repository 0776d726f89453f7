"""A member's settings in the browser: an API key shown once that then calls the API and is revoked; an own
provider key set, replaced and deleted, never shown back; the usage and plans pages."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import log_in, shot

PROVIDER_KEY = "sk-own-key-0123456789abcdef"


def card(page: Page, plan: str) -> Locator:
    return page.locator(".card").filter(has=page.get_by_role("heading", name=re.compile(f"^{plan}")))


def test_an_api_key_is_shown_once_works_and_is_revoked(page: Page, web_server: ServerProcess) -> None:
    log_in(page, web_server.demo.member["email"], web_server.demo.member["password"])
    page.goto("/settings")
    page.get_by_label("New key name").fill("laptop")
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_label("Key", exact=True).input_value()
    assert secret.startswith("psk_")
    web_server.secrets.add(secret)
    shot(page, "settings")
    with httpx.Client(base_url=web_server.url) as http:
        assert http.get("/v1/me", headers={"X-API-Key": secret}).status_code == 200
        page.goto("/settings")
        assert secret not in page.content()
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Revoke laptop").click()
        expect(page.get_by_role("status")).to_have_text("The API key was revoked.")
        assert http.get("/v1/me", headers={"X-API-Key": secret}).status_code == 401


def test_an_own_provider_key_is_saved_replaced_and_deleted_never_shown(page: Page, web_server: ServerProcess) -> None:
    web_server.secrets.add(PROVIDER_KEY)
    log_in(page, web_server.demo.member["email"], web_server.demo.member["password"])
    page.goto("/settings")
    for key in (PROVIDER_KEY, PROVIDER_KEY + "-replaced"):
        page.get_by_label("Provider", exact=True).select_option("openai")
        page.get_by_label("Key (sets or replaces)").fill(key)
        page.get_by_role("button", name="Save key").click()
        expect(page.get_by_role("status")).to_have_text("Your provider key was saved.")
        assert PROVIDER_KEY not in page.content()
    expect(page.get_by_role("button", name="Delete the openai key")).to_have_count(1)
    page.get_by_role("button", name="Delete the openai key").click()
    expect(page.get_by_role("status")).to_have_text("Your provider key was deleted.")
    expect(page.get_by_role("button", name="Delete the openai key")).to_have_count(0)


def test_the_usage_and_plans_pages_show_the_members_limits_and_plans(page: Page, web_server: ServerProcess) -> None:
    log_in(page, web_server.demo.member["email"], web_server.demo.member["password"])
    page.goto("/usage")
    expect(page.locator("table")).to_contain_text(re.compile(r"requests per day\s*\d+ of 5"))
    shot(page, "usage")
    page.goto("/plans")
    expect(card(page, "Free")).to_contain_text("your plan")
    expect(card(page, "Pro")).to_contain_text("9.00 USD a month")
    expect(card(page, "Enterprise")).to_contain_text("no self-serve price")
    shot(page, "plans")


def test_the_settings_page_title_is_the_pages_name_and_holds_no_markup(page: Page, web_server: ServerProcess) -> None:
    log_in(page, web_server.demo.member["email"], web_server.demo.member["password"])
    page.goto("/settings")
    assert page.title() == "Settings · promptsaas"
    title = page.locator("head > title").inner_html()
    assert title == "Settings · promptsaas", title  # no section, form or CSRF token pasted into it
    expect(page.get_by_role("heading", name="Telegram and WhatsApp")).to_have_count(1)


def test_a_key_form_sent_again_makes_no_second_key_and_shows_no_secret(page: Page, web_server: ServerProcess) -> None:
    log_in(page, web_server.demo.member["email"], web_server.demo.member["password"])
    page.goto("/settings")
    page.get_by_label("New key name").fill("sent twice")
    page.get_by_role("button", name="Create key").click()
    web_server.secrets.add(page.get_by_label("Key", exact=True).input_value())
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/settings/api-keys")):
        page.reload()  # the browser sends the same form again
    expect(page.get_by_role("status")).to_contain_text("That form was already sent: no second key was made.")
    expect(page.get_by_label("Key", exact=True)).to_have_count(0)
    assert "psk_" not in page.content()
    expect(page.get_by_role("cell", name="sent twice", exact=True)).to_have_count(1)
    shot(page, "settings-key-sent-twice")
