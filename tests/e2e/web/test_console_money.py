"""The operator console's money and settings pages in a browser, against a server whose Stripe calls reach the
loopback stub: a charge refunded from the payments ledger, a model's price override, the channel and Stripe secrets
saved and never shown back, and a member refused these pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.http.billing_world import BillingServer, served_billing
from tests.e2e.web.conftest import log_in, shot

SECRETS = {
    "bot_token": "123456:TelegramSecretTokenValue",
    "access_token": "EAAGwhatsappAccessSecret",
    "app_secret": "metaAppSecretValue42",
    "verify_token": "verifyTokenSecretValue",
    "secret_key": "sk_test_webConsoleSecretKey",
    "webhook_secret": "whsec_webConsoleSigning",
}
PHONE_NUMBER_ID = "106540352242922"


@pytest.fixture(scope="module", params=["sqlite"])
def billing(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BillingServer]:
    with served_billing(request, tmp_path_factory.mktemp("console-money")) as world:
        yield world


@pytest.fixture
def console(browser: Browser, billing: BillingServer) -> Iterator[Page]:
    """A fresh browser context on the Stripe-stubbed server; confirmation dialogs are accepted."""
    assert billing.server is not None
    context = browser.new_context(base_url=billing.server.url, viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    opened = context.new_page()
    opened.on("dialog", lambda dialog: dialog.accept())
    try:
        yield opened
    finally:
        context.close()


def test_an_admin_refunds_a_charge_and_sees_it_listed_as_refunded(console: Page, billing: BillingServer) -> None:
    payer = billing.new_member("payer")
    _, events = billing.paid_events(payer)
    for event in events:
        assert billing.deliver(event).status_code == 200
    invoice = events[-1]["data"]["object"]
    intent = invoice["payments"]["data"][0]["payment"]["payment_intent"]

    log_in(console, billing.demo.admin["email"], billing.demo.admin["password"])
    console.goto("/admin")
    console.get_by_role("navigation", name="Main").get_by_role("link", name="Payments").click()
    charge = console.locator("tbody tr", has_text="payer@example.com")
    expect(charge).to_contain_text("9.00 USD")
    expect(charge).to_contain_text("pro")
    expect(charge).to_contain_text("stripe")
    shot(console, "admin-payments")
    action = charge.locator("form").get_attribute("action")
    charge.get_by_role("button", name=re.compile(r"^Refund 9\.00 USD")).click()
    expect(console.get_by_role("status")).to_contain_text("Refund requested")
    [(_, _, body)] = [r for r in billing.stub.requests if r[1] == "/v1/refunds"]
    assert body["payment_intent"] == intent
    expect(charge.locator(".badge")).to_have_text("refund requested")  # until Stripe confirms it
    shot(console, "admin-payments-refund-requested")
    expect(console.get_by_role("button", name=re.compile(r"^Refund"))).to_have_count(0)
    token = next(c["value"] for c in console.context.cookies() if c["name"] == "ps_csrf")
    twice = console.request.post(str(action), form={"_csrf": token})  # from a page shown before it was asked
    assert "was already requested" in twice.text()

    refunded = {"id": "ch_console", "object": "charge", "payment_intent": intent, "amount": 900}
    confirmed = billing.stub.event("charge.refunded", {**refunded, "amount_refunded": 900, "currency": "usd"})
    assert billing.deliver(confirmed).status_code == 200
    console.goto("/admin/payments")
    expect(console.locator("tbody tr")).to_have_count(2)
    expect(console.locator("tbody tr").first).to_contain_text("−9.00 USD")
    expect(console.locator("tbody tr").first).to_contain_text("refund")
    expect(charge.locator(".badge")).to_have_text("refunded")
    expect(console.get_by_role("button", name=re.compile(r"^Refund"))).to_have_count(0)
    shot(console, "admin-payments-refunded")

    done = console.request.post(str(action), form={"_csrf": token})  # from a page shown before it was refunded
    assert "is already refunded" in done.text()
    assert len([r for r in billing.stub.requests if r[1] == "/v1/refunds"]) == 1  # Stripe was asked once
    again = console.request.post("/admin/payments/no-such-payment/refund", form={"_csrf": token})
    assert again.status == 400
    assert re.search(r"payment &#39;no-such-payment&#39; not found", again.text())


def test_an_admin_overrides_a_model_price_and_sees_it_listed(console: Page, billing: BillingServer) -> None:
    log_in(console, billing.demo.admin["email"], billing.demo.admin["password"])
    console.goto("/admin")
    console.get_by_role("navigation", name="Main").get_by_role("link", name="Models").click()
    row = console.locator("tbody tr").first
    model = row.locator("code").inner_text()
    expect(row.locator(".badge")).to_have_count(0)
    row.get_by_label("Input $/M tokens").fill("200000")
    row.get_by_role("button", name=f"Save the prices of {model}").click()
    expect(console.get_by_role("alert")).to_contain_text("100000")
    shot(console, "admin-models-refused")

    row = console.locator("tbody tr", has=console.locator("code", has_text=model))
    row.get_by_label("Input $/M tokens").fill("1.25")
    row.get_by_label("Output $/M tokens").fill("7.5")
    row.get_by_role("button", name=f"Save the prices of {model}").click()
    expect(console.get_by_role("status")).to_have_text(f"Saved the prices of {model}.")
    row = console.locator("tbody tr", has=console.locator("code", has_text=model))
    expect(row).to_contain_text("in $1.25 · out $7.5")
    expect(row.locator(".badge")).to_have_text("your price")
    shot(console, "admin-models")


def test_channel_and_stripe_secrets_are_saved_and_never_shown_back(console: Page, billing: BillingServer) -> None:
    log_in(console, billing.demo.admin["email"], billing.demo.admin["password"])
    console.goto("/admin")
    console.get_by_role("navigation", name="Main").get_by_role("link", name="Channels").click()
    telegram = console.locator("section", has=console.get_by_role("heading", name="Telegram bot"))
    expect(telegram).to_contain_text("not set")
    expect(telegram).to_contain_text(f"/v1/webhooks/telegram/{billing.tenant}")
    expect(console.locator("section", has_text="WhatsApp number")).to_contain_text(
        f"/v1/webhooks/whatsapp/{billing.tenant}"
    )
    expect(console.locator("section", has_text="Webhook endpoint")).to_contain_text(
        f"/v1/webhooks/stripe/{billing.tenant}"
    )

    console.get_by_label("Phone number id").fill("not digits")
    for name in ("access_token", "app_secret", "verify_token"):
        console.locator(f"#{name}").fill(SECRETS[name])
    console.get_by_role("button", name="Save the WhatsApp number").click()
    expect(console.get_by_role("alert")).to_contain_text("phone_number_id")
    assert not [s for s in SECRETS.values() if s in console.content()]

    console.get_by_label("Bot token from BotFather").fill(SECRETS["bot_token"])
    console.get_by_role("button", name="Save the bot token").click()
    expect(console.get_by_role("status")).to_have_text("The Telegram bot token was saved.")
    console.get_by_label("Phone number id").fill(PHONE_NUMBER_ID)
    for name in ("access_token", "app_secret", "verify_token"):
        console.locator(f"#{name}").fill(SECRETS[name])
    console.get_by_role("button", name="Save the WhatsApp number").click()
    expect(console.get_by_role("status")).to_have_text("The WhatsApp number was saved.")
    console.get_by_label("Secret key").fill(SECRETS["secret_key"])
    console.get_by_label("Webhook signing secret").fill(SECRETS["webhook_secret"])
    console.get_by_role("button", name="Save the Stripe keys").click()
    expect(console.get_by_role("status")).to_have_text("The Stripe keys were saved.")

    console.goto("/admin/channels")
    for heading in ("Telegram bot", "WhatsApp number", "Stripe"):
        section = console.locator("section", has=console.get_by_role("heading", name=heading, exact=True))
        expect(section.locator(".badge")).to_have_text("set")
    expect(console.locator("main")).to_contain_text(PHONE_NUMBER_ID)
    expect(console.locator("main")).not_to_contain_text("(the deployment's default)")
    assert not [s for s in SECRETS.values() if s in console.content()]
    assert all(v == "" for v in console.locator("input[type=password]").evaluate_all("els => els.map(e => e.value)"))
    shot(console, "admin-channels")


def test_a_member_is_refused_the_money_and_settings_pages(console: Page, billing: BillingServer) -> None:
    log_in(console, billing.demo.member["email"], billing.demo.member["password"])
    for path in ("/admin/payments", "/admin/models", "/admin/channels"):
        answer = console.goto(path)
        assert answer is not None
        assert answer.status == 403, path
        expect(console.get_by_role("alert")).to_be_visible()
        expect(console.locator("table")).to_have_count(0)
