"""Plans and billing in the browser, against `promptsaas serve` whose Stripe is the loopback stub: a new member hits
the free limit, upgrades through Checkout (the stub's page, then signed webhooks), chats beyond the limit, cancels at
period end and resumes, opens the portal and buys a pack; without Stripe the page says so instead of selling."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.http.billing_world import BillingServer, served_billing
from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import log_in, shot
from tests.e2e.web.test_member_app import FREE_REQUESTS_PER_DAY, send, sign_up
from tests.support.catalogs import CREDIT_PACK

pytestmark = pytest.mark.slow
STUB_PAGE = "<!doctype html><title>Stripe stub</title><h1>Stub checkout</h1>"
PACK = {**CREDIT_PACK, "code": "boost", "name": "Boost"}


@pytest.fixture(scope="module", params=["sqlite"])
def billing(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BillingServer]:
    with served_billing(request, tmp_path_factory.mktemp("web-billing")) as world:
        with world.admin() as admin:
            applied = admin.put("/v1/admin/catalog/", json={"plans": [PACK]})
            assert applied.status_code == 200, applied.text
        yield world


@pytest.fixture
def buyer(browser: Browser, billing: BillingServer) -> Iterator[Page]:
    """A browser on the Stripe-enabled server; the stub's hosted pages (https://stub.stripe/...) answer a page."""
    assert billing.server is not None
    context = browser.new_context(base_url=billing.server.url, viewport={"width": 1280, "height": 860})
    context.set_default_timeout(15_000)
    context.route("https://stub.stripe/**", lambda route: route.fulfill(content_type="text/html", body=STUB_PAGE))
    try:
        yield context.new_page()
    finally:
        context.close()


def card(page: Page, name: str) -> Locator:
    return page.locator(".card").filter(has=page.get_by_role("heading", name=re.compile(rf"^{name}\b")))


def row(page: Page, plan: str) -> Locator:
    return page.locator("tbody tr").filter(has=page.get_by_role("cell", name=plan, exact=True))


def pay(billing: BillingServer, page: Page) -> str:
    """The browser is on the stub's checkout: the member pays and Stripe's signed events reach the server."""
    expect(page).to_have_url(re.compile(r"^https://stub\.stripe/pay/cs_"))
    session_id = page.url.rsplit("/", 1)[1]
    _, events = billing.stub.complete_checkout(session_id)
    for event in events:
        answer = billing.deliver(event)
        assert answer.status_code == 200, answer.text
    return str(billing.stub.objects[session_id]["success_url"])


def test_a_member_upgrades_through_checkout_and_chats_beyond_the_free_limit(
    buyer: Page, billing: BillingServer
) -> None:
    page = buyer
    sign_up(page, "payer@example.com")
    page.goto("/chat/tutor")
    for n in range(1, FREE_REQUESTS_PER_DAY + 1):
        send(page, f"question {n}")
        expect(page.locator(".msg.assistant")).to_have_count(n)
    send(page, "one too many")
    notice = page.locator("#notice [role=alert]")
    expect(notice).to_contain_text("quota_exceeded")
    expect(notice).to_contain_text(re.compile(r"Resets at \d{4}-\d\d-\d\d \d\d:\d\d UTC"))
    expect(notice.get_by_role("link", name="Buy a pack")).to_have_attribute("href", "/plans#packs")
    shot(page, "chat-denied-offers-a-pack")
    notice.get_by_role("link", name="Upgrade your plan").click()

    expect(page.get_by_role("heading", name="Plans and billing")).to_be_visible()
    pro = card(page, "Pro")
    expect(pro).to_contain_text("9.00 USD a month")
    expect(pro).to_contain_text("90.00 USD a year")
    expect(card(page, "Boost")).to_contain_text("5.00 USD once")
    shot(page, "plans")
    pro.get_by_role("button", name="Subscribe monthly to Pro").click()
    success_url = pay(billing, page)
    assert success_url.endswith("/billing/success")

    page.goto("/billing/success")
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    shot(page, "billing-success")
    page.get_by_role("link", name="See your plans").click()
    mine = row(page, "pro")
    expect(mine).to_contain_text("active")
    expect(card(page, "Pro")).to_contain_text("your plan")
    expect(card(page, "Pro").get_by_role("button")).to_have_count(0)
    shot(page, "plans-subscribed")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.locator("body").evaluate("b => b.scrollWidth") <= 390
    shot(page, "plans-phone")

    page.goto("/chat/tutor")
    send(page, "beyond the free limit")
    expect(page.locator(".msg.assistant")).to_have_count(1)
    expect(page.locator("#notice [role=alert]")).to_have_count(0)


def test_cancel_at_period_end_then_resume_the_portal_and_a_pack(buyer: Page, billing: BillingServer) -> None:
    page = buyer
    sign_up(page, "manager@example.com")
    page.goto("/plans")
    page.get_by_role("button", name="Subscribe yearly to Pro").click()
    pay(billing, page)
    page.goto("/plans")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel pro at period end").click()
    expect(page.get_by_role("status")).to_contain_text("end at the close of its current period")
    mine = row(page, "pro")
    expect(mine).to_contain_text("cancels at period end")
    expect(mine).to_contain_text(re.compile(r"Ends \d{4}-\d\d-\d\d"))
    shot(page, "plans-canceling")
    mine.get_by_role("button", name="Resume pro").click()
    expect(page.get_by_role("status")).to_contain_text("renews again")
    expect(mine).not_to_contain_text("cancels at period end")
    expect(mine.get_by_role("button", name="Cancel pro at period end")).to_be_visible()

    page.get_by_role("button", name="Manage billing").click()
    expect(page).to_have_url("https://stub.stripe/portal")

    page.goto("/plans")
    page.get_by_role("button", name="Buy the Boost pack").click()
    pay(billing, page)
    page.goto("/billing/cancel")
    expect(page.get_by_role("heading", name="Checkout canceled")).to_be_visible()
    page.goto("/plans")
    held = page.get_by_role("region", name="Your packs")
    expect(held).to_contain_text("boost")
    expect(held).to_contain_text("10 requests left of 10")
    expect(held).to_contain_text(re.compile(r"expires \d{4}-\d\d-\d\d"))


def test_without_stripe_the_plans_page_says_so_and_sells_nothing(page: Page, web_server: ServerProcess) -> None:
    log_in(page, web_server.demo.member["email"], web_server.demo.member["password"])
    page.goto("/plans")
    expect(page.get_by_role("note")).to_contain_text("Online payment is not set up")
    expect(card(page, "Pro")).to_contain_text("9.00 USD a month")
    expect(page.get_by_role("button", name=re.compile("Subscribe|Buy|Manage"))).to_have_count(0)
