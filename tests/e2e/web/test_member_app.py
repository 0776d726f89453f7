"""A member in the browser: signs up (then logs in), finds the agents (usable or locked, with the reason), chats
until the free plan's daily limit, and sees the denial with its reset time and an upgrade button."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import log_in, shot

FREE_REQUESTS_PER_DAY = 5


def sign_up(page: Page, email: str) -> None:
    page.goto("/signup")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a-long-enough-password")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your mailbox")).to_be_visible()
    log_in(page, email, "a-long-enough-password")
    expect(page).to_have_url(re.compile(r"/$"))


def send(page: Page, text: str) -> None:
    page.get_by_label("Message").fill(text)
    page.get_by_role("button", name="Send").click()


def test_a_new_member_chats_until_the_free_limit_and_sees_the_denial(page: Page) -> None:
    sign_up(page, "ada@example.com")
    tutor = page.locator(".card", has_text="Math tutor")
    expect(tutor.get_by_role("link", name="Chat with Math tutor")).to_be_visible()
    writer = page.locator(".card.locked", has_text="Copy writer")
    expect(writer).to_contain_text("agent_not_in_plan")
    expect(writer.get_by_role("link", name="See plans")).to_be_visible()
    shot(page, "gallery")

    tutor.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Math tutor")).to_be_visible()
    page.get_by_label("level").select_option("expert")
    page.get_by_label("Style").select_option("concise")
    for n in range(1, FREE_REQUESTS_PER_DAY + 1):
        send(page, f"question {n}")
        expect(page.locator(".msg.assistant")).to_have_count(n)
        expect(page.locator("#limits")).to_contain_text(f"{FREE_REQUESTS_PER_DAY - n} left of {FREE_REQUESTS_PER_DAY}")
        expect(page.get_by_label("Message")).to_have_value("")
    expect(page.locator(".msg.assistant").last).to_contain_text("question 5")
    shot(page, "chat")

    send(page, "one too many")
    notice = page.locator("#notice [role=alert]")
    expect(notice).to_contain_text("quota_exceeded")
    expect(notice).to_contain_text(re.compile(r"Resets at \d{4}-\d\d-\d\d \d\d:\d\d UTC"))
    expect(notice.get_by_role("link", name="Upgrade your plan")).to_be_visible()
    expect(page.locator(".msg.assistant")).to_have_count(FREE_REQUESTS_PER_DAY)
    shot(page, "chat-denied")

    page.reload()
    thread = page.get_by_role("navigation", name="Conversations").get_by_role("link", name=re.compile("question 1"))
    thread.click()
    expect(page.locator(".msg.user")).to_have_count(FREE_REQUESTS_PER_DAY)
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "chat-phone")


def test_a_problem_shows_its_message_and_changes_nothing(page: Page) -> None:
    sign_up(page, "grace@example.com")
    page.goto("/chat/translator")
    page.get_by_label("language").fill("")
    page.get_by_label("language").evaluate_all("els => els.forEach(e => e.removeAttribute('required'))")
    send(page, "bonjour")
    expect(page.locator("#notice [role=alert]")).to_contain_text("language")
    expect(page.locator(".msg")).to_have_count(0)
    expect(page.locator("#limits")).to_contain_text("5 left of 5")


def test_logging_out_ends_the_session(page: Page, web_server: ServerProcess) -> None:
    log_in(page, web_server.demo.member["email"], web_server.demo.member["password"])
    expect(page.get_by_role("heading", name="Agents")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/chat/tutor")
    expect(page).to_have_url(re.compile(r"/login\?next=/chat/tutor$"))
    shot(page, "login")


def test_a_wrong_password_is_refused_with_the_message(page: Page, web_server: ServerProcess) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(web_server.demo.member["email"])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("email or password is wrong")
    expect(page.get_by_label("Email")).to_have_value(web_server.demo.member["email"])
