"""An operator manages agents in the browser: creates one (a taken slug is refused with its reason), renames it,
publishes it (refused with the reason until a version is active) and retires it; and tries a draft prompt version
against a chosen model without activating it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import log_in, shot


def test_an_admin_creates_edits_publishes_and_retires_an_agent(page: Page, web_server: ServerProcess) -> None:
    log_in(page, web_server.demo.admin["email"], web_server.demo.admin["password"])
    page.goto("/admin/agents")
    page.get_by_label("Slug").fill("tutor")
    page.get_by_label("Name", exact=True).fill("Another tutor")
    page.get_by_role("button", name="Create agent").click()
    expect(page.get_by_role("alert")).to_contain_text("tutor")
    expect(page.get_by_role("alert")).to_contain_text("exists")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Another tutor")

    page.get_by_label("Slug").fill("haiku-coach")
    page.get_by_label("Name", exact=True).fill("Haiku coach")
    page.get_by_label("Description").fill("Helps with haiku.")
    page.get_by_label("History turns").fill("3")
    shot(page, "admin-agents")
    page.get_by_role("button", name="Create agent").click()
    expect(page).to_have_url(re.compile(r"/admin/agents/haiku-coach\?done=created$"))
    expect(page.get_by_role("status")).to_contain_text("Agent created as a draft")
    expect(page.get_by_role("heading", level=1)).to_contain_text("draft")

    page.get_by_label("Name", exact=True).fill("Haiku master")
    page.get_by_label("History turns").fill("4")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_have_text("Agent settings saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Haiku master")
    expect(page.get_by_label("History turns")).to_have_value("4")

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text("no active prompt version: activate one before publishing")
    page.goto("/admin/agents/haiku-coach")
    page.get_by_label("System template").fill("You coach haiku writers.")
    page.get_by_role("button", name="Save draft and see the diff").click()
    page.get_by_role("button", name="Activate v1").click()
    expect(page.get_by_role("status")).to_have_text("Activated version 1.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Agent published")
    expect(page.get_by_role("heading", level=1)).to_contain_text("published")
    shot(page, "admin-agent-settings")
    page.get_by_role("button", name="Retire").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("retired")
    expect(page.get_by_role("button", name="Retire")).to_have_count(0)

    page.goto("/admin/agents")
    expect(page.locator("tr", has_text="haiku-coach")).to_contain_text("retired")
    page.goto("/admin/audit")
    expect(page.locator("tbody")).to_contain_text("agent.create")
    expect(page.locator("tbody")).to_contain_text("status=retired")


def test_a_draft_test_run_shows_the_models_reply_and_activates_nothing(page: Page, web_server: ServerProcess) -> None:
    log_in(page, web_server.demo.admin["email"], web_server.demo.admin["password"])
    page.goto("/admin/agents/tutor")
    active = page.locator("tr", has=page.locator(".badge.active")).locator("td").first.inner_text()
    page.get_by_label("System template").fill("You are a terse {{ level }} tutor.")
    page.get_by_label("Note").fill("terse draft")
    page.get_by_role("button", name="Save draft and see the diff").click()
    draft = re.search(r"b=(\d+)", page.url)
    assert draft is not None
    page.goto("/admin/agents/tutor")
    page.get_by_role("link", name=f"Try v{draft.group(1)}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("draft")
    page.get_by_label("Model").select_option("offline:echo")
    page.get_by_label("Message").fill("what is 2 + 2?")
    page.get_by_role("button", name="Run this version").click()
    expect(page.locator(".reply")).to_have_text("You said: what is 2 + 2?")
    expect(page.get_by_text(re.compile(r"\d+ input tokens"))).to_be_visible()
    shot(page, "admin-trial")

    page.get_by_label("Model").evaluate("s => s.add(new Option('offline:gone', 'offline:gone'))")
    page.get_by_label("Model").select_option("offline:gone")
    page.get_by_role("button", name="Run this version").click()
    expect(page.get_by_role("alert")).to_contain_text("unknown model 'offline:gone'")
    expect(page.get_by_label("Message")).to_have_value("what is 2 + 2?")

    page.goto("/admin/agents/tutor")
    expect(page.locator("tr", has=page.locator(".badge.active")).locator("td").first).to_have_text(active)
    expect(page.locator("tr", has_text=f"v{draft.group(1)}")).to_contain_text("draft")
    page.goto("/admin/audit")
    expect(page.locator("tbody")).to_contain_text("prompt.trial")
