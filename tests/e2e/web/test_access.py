"""Every control of the main pages has a label, the keyboard reaches the page with a visible focus ring, and the
pages fit a phone-sized screen without sideways scrolling."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import log_in, shot

SIGNED_OUT_PAGES = ["/login", "/signup", "/forgot-password", "/verify-email?token=t", "/reset-password?token=t"]
MEMBER_PAGES = ["/", "/chat/tutor", "/usage", "/plans", "/settings", "/billing/success", "/billing/cancel"]
ADMIN_PAGES = ["/admin", "/admin/agents/tutor", "/admin/users", "/admin/usage", "/admin/audit", "/admin/plans"]
ADMIN_PAGES += ["/admin/payments", "/admin/models", "/admin/channels"]
ADMIN_PAGES += ["/admin/agents", "/admin/agents/tutor/versions/1/try"]
UNLABELLED = """els => els.filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length)
    && !e.getAttribute('aria-label') && !(e.tagName === 'BUTTON' && e.textContent.trim())).map(e => e.outerHTML)"""


def unlabelled(page: Page) -> list[str]:
    found: list[str] = page.locator("input, select, textarea, button").evaluate_all(UNLABELLED)
    return found


def fits_a_phone_with_every_control_labelled(page: Page, path: str) -> None:
    page.goto(path)
    assert unlabelled(page) == [], path
    width = page.locator("body").evaluate("b => b.scrollWidth")
    assert width <= 390, (path, width)


def test_every_control_has_a_label_and_phone_pages_do_not_scroll_sideways(
    page: Page, web_server: ServerProcess
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    for path in SIGNED_OUT_PAGES:
        fits_a_phone_with_every_control_labelled(page, path)
    log_in(page, web_server.demo.admin["email"], web_server.demo.admin["password"])
    for path in MEMBER_PAGES + ADMIN_PAGES:
        fits_a_phone_with_every_control_labelled(page, path)
    page.goto("/")
    shot(page, "gallery-phone")


def test_the_keyboard_reaches_the_page_with_a_visible_focus_ring(page: Page) -> None:
    page.goto("/signup")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert skip.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
