"""The mailed links in a browser: the development server prints each mail, the test opens its link as the person
would, and the page does what the mail promised (confirm the address, choose a new password), once."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import shot
from tests.e2e.web.test_access import unlabelled
from tests.e2e.web.test_signup import PASSWORD, form_client, log_in, mail_to, sign_up, signup_mode

NEW_PASSWORD = "a-brand-new-password"
NEW = re.compile(r"^New password \(")
USED = "this link is invalid, expired or already used"


def mailed_link(server: ServerProcess, to: str, path: str) -> str:
    """The path and query of the link the last mail to `to` carries (the mail points at PROMPTSAAS_PUBLIC_URL)."""
    found = re.search(rf"https?://[^/\s]+(/{path}\?token=\S+)", mail_to(server, to))
    assert found, f"no {path} link in the mail to {to}"
    return found.group(1)


def log_in_with(page: Page, email: str, password: str) -> None:
    """Fill the login form the page shows (its workspace prefilled) and send it."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_the_mailed_verification_link_confirms_the_address_with_one_click_then_log_in_works(
    page: Page, web_server: ServerProcess
) -> None:
    email, tenant = "clicker@example.com", web_server.demo.tenant
    with signup_mode(web_server, "verified"):
        page.goto("/signup")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("heading", name="Check your mailbox")).to_be_visible()

        page.goto(mailed_link(web_server, email, "verify-email"))
        with form_client(web_server) as client:
            assert log_in(client, tenant, email).status_code == 400, "opening the link alone verified the address"
        page.get_by_role("button", name="Confirm my address").click()
        expect(page.get_by_role("status")).to_have_text("Your address is confirmed.")

        page.get_by_role("link", name="Log in").click()
        log_in_with(page, email, PASSWORD)
        page.wait_for_url(re.compile(r"/$"))
        expect(page.get_by_role("heading", name="Agents")).to_be_visible()


def test_a_forged_verification_link_shows_its_problem_and_confirms_nothing(page: Page) -> None:
    page.goto("/verify-email?token=forged.token.here")
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("alert")).to_contain_text(USED)
    assert "Traceback" not in page.content()
    page.goto("/verify-email")
    expect(page.get_by_role("alert")).to_contain_text(USED)


def test_forgot_then_the_mailed_reset_link_sets_a_new_password_and_ends_every_session(
    page: Page, web_server: ServerProcess
) -> None:
    email = "forgetful@example.com"
    with form_client(web_server) as client:
        assert sign_up(client, web_server.demo.tenant, email).status_code == 202
    page.goto("/login")
    log_in_with(page, email, PASSWORD)
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/forgot-password")
    page.get_by_label("Email").fill("nobody-here@example.com")
    page.get_by_role("button", name="Mail me a link").click()
    unknown = page.get_by_role("status").inner_text()
    page.goto("/forgot-password")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Mail me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account has this address")
    assert page.get_by_role("status").inner_text() == unknown

    link = mailed_link(web_server, email, "reset-password")
    page.goto(link)
    assert unlabelled(page) == []
    shot(page, "reset-password")
    page.get_by_label(NEW).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_role("alert")).to_contain_text("the two passwords differ")
    page.get_by_label(NEW).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_role("status")).to_contain_text("every session of your account has ended")
    shot(page, "reset-password-done")

    page.goto("/usage")
    page.wait_for_url(re.compile(r"/login"))
    log_in_with(page, email, PASSWORD)
    expect(page.get_by_role("alert")).to_be_visible()
    log_in_with(page, email, NEW_PASSWORD)
    page.wait_for_url(re.compile(r"/usage$"))

    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text(USED)
    expect(page.get_by_label(NEW)).to_have_count(0)
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()


def test_the_login_page_links_to_the_forgotten_password_form_of_its_workspace(
    page: Page, web_server: ServerProcess
) -> None:
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    expect(page.get_by_label("Workspace")).to_have_value(web_server.demo.tenant)
    assert httpx.URL(page.url).path == "/forgot-password"
