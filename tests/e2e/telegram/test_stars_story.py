"""Paying with Telegram Stars in the bot, on SQLite and PostgreSQL: the whole story from /start to a linked web
account sharing the quota, and what a replayed or forged payment update cannot do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.telegram.stars_shop import ANN, ANN_PASSWORD, ENGINES, PRO_STARS, TOM, StarsShop, stars_shop
from tests.integration.persistence.conftest import (
    migrated_postgres_database,
    migrated_postgres_url,
    migrated_sqlite_template,
    migrated_sqlite_url,
)

__all__ = ["migrated_postgres_database", "migrated_postgres_url", "migrated_sqlite_template", "migrated_sqlite_url"]


@pytest.fixture(params=ENGINES)
async def shop(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StarsShop]:
    url = str(request.getfixturevalue(f"migrated_{request.param}_url"))
    async with stars_shop(url, tmp_path) as opened:
        yield opened


async def test_the_whole_story_from_start_to_a_paid_plan_shared_with_the_web_account(shop: StarsShop) -> None:
    stub = shop.stub
    assert (await shop.say("/start")).startswith("Hello! You are talking to helper.")
    await shop.say("/agents")
    assert stub.sent()[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "agent:helper"
    for n in range(3):
        assert await shop.say(f"question {n}") == f"question {n}"
    denial = await shop.say("one too many")
    assert "you used all 3 requests per day" in denial

    assert "Pro (pro): 5.00 USD a month, 250 Telegram Stars every 30 days" in await shop.say("/plans")
    buttons = [row[0]["callback_data"] for row in stub.sent()[-1]["reply_markup"]["inline_keyboard"]]
    assert "buy:pro" in buttons
    payload = await shop.buy_pro()
    link = stub.sent("createInvoiceLink")[-1]
    assert link["currency"] == "XTR"
    assert link["subscription_period"] == "2592000"
    assert link["prices"] == [{"label": "Pro", "amount": PRO_STARS}]
    assert stub.sent()[-1]["reply_markup"]["inline_keyboard"][0][0]["url"].startswith("https://t.me/$stub-invoice")

    await shop.feed(stub.pre_checkout_update(TOM, payload, PRO_STARS))
    assert stub.pre_checkout_answers()[-1]["ok"] == "true"
    await shop.feed(stub.payment_update(TOM, shop.pro_paid(payload)))
    assert stub.texts(TOM)[-1].startswith("Thank you! Pro is yours until")
    assert await shop.say("after paying") == "after paying"

    login = await shop.web.post(
        "/v1/auth/login", json={"email": ANN, "password": ANN_PASSWORD}, headers={"X-Tenant": "acme"}
    )
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    code = (await shop.web.post("/v1/me/link-codes", headers=bearer)).json()["code"]
    assert (await shop.say(f"/start {code}")).startswith("Linked!")
    ran = await shop.web.post("/v1/agents/helper/runs", json={"input": "from the web"}, headers=bearer)
    assert ran.status_code == 200, ran.text
    await shop.say("and from the chat")

    usage = (await shop.web.get("/v1/usage", headers=bearer)).json()
    pro = next(p for p in usage["plans"] if p["plan"] == "pro")
    assert pro["limits"][0]["used"] == 3  # the chat before linking, the web, the chat after: one quota
    assert [p.amount for p in await shop.stars_payments()] == [PRO_STARS]


async def test_a_payment_update_replayed_three_times_makes_one_subscription_and_one_payment(
    shop: StarsShop,
) -> None:
    payload = await shop.buy_pro()
    paid = shop.pro_paid(payload, charge="stx-once")
    same = shop.stub.payment_update(TOM, paid)

    for _ in range(3):
        await shop.feed(same)  # the same update redelivered
    for _ in range(2):
        await shop.feed(shop.stub.payment_update(TOM, paid))  # the same charge under new update ids

    assert len(await shop.stars_subscriptions()) == 1
    assert len(await shop.stars_payments()) == 1
    assert sum(t.startswith("Thank you!") for t in shop.stub.texts(TOM)) == 1


@pytest.mark.parametrize("forgery", ["wrong price", "another user's invoice", "archived plan"])
async def test_a_pre_checkout_that_does_not_match_its_invoice_is_refused_and_changes_nothing(
    shop: StarsShop, forgery: str
) -> None:
    payload = await shop.buy_pro()
    payer, amount = TOM, PRO_STARS
    if forgery == "wrong price":
        amount = 1
    elif forgery == "another user's invoice":
        payer = 7002
    else:
        await shop.tenant.apply_catalog({"plans": [{"code": "pro", "name": "Pro", "status": "archived"}]})

    await shop.feed(shop.stub.pre_checkout_update(payer, payload, amount))

    answer = shop.stub.pre_checkout_answers()[-1]
    assert answer["ok"] == "false"
    assert answer["error_message"]
    assert await shop.stars_subscriptions() == []
    assert await shop.stars_payments() == []


async def test_an_admin_refund_gives_the_stars_back_and_revokes_the_plan(shop: StarsShop) -> None:
    payload = await shop.buy_pro()
    await shop.feed(shop.stub.payment_update(TOM, shop.pro_paid(payload, charge="stx-refund-me")))
    charge = (await shop.stars_payments())[0]

    await shop.platform.container.revenue().refund(await shop.tenant.id(), charge.id, "admin")
    refunded_update = {**shop.pro_paid(payload, charge="stx-refund-me"), "refunded": True}
    await shop.feed(shop.stub.payment_update(TOM, refunded_update))  # Telegram's own notice of it, later

    assert shop.stub.sent("refundStarPayment") == [{"user_id": str(TOM), "telegram_payment_charge_id": "stx-refund-me"}]
    kinds = sorted((p.kind.value, p.amount) for p in await shop.stars_payments())
    assert kinds == [("charge", PRO_STARS), ("refund", PRO_STARS)]
    (sub,) = await shop.stars_subscriptions()
    assert sub.status.value == "canceled"
    assert "you used all 3 requests per day" in await _spend_free_day(shop)


async def test_a_refund_telegram_reports_revokes_a_pack(shop: StarsShop) -> None:
    await shop.press("buy:credits")
    invoice = shop.stub.sent("sendInvoice")[-1]
    assert (invoice["currency"], invoice["prices"]) == ("XTR", [{"label": "Credits", "amount": 50}])
    bought = shop.stub.stars_payment(str(invoice["payload"]), 50, charge="stx-pack")
    await shop.feed(shop.stub.pre_checkout_update(TOM, str(invoice["payload"]), 50))
    await shop.feed(shop.stub.payment_update(TOM, bought))
    assert shop.stub.texts(TOM)[-1] == "Thank you! Credits is added to your account; see /usage."

    await shop.feed(shop.stub.payment_update(TOM, {**bought, "refunded": True}))

    assert shop.stub.texts(TOM)[-1].startswith("Your 50 Stars for Credits were refunded")
    (holding,) = await shop.stars_subscriptions()
    assert holding.status.value == "canceled"


async def test_a_renewal_extends_the_subscription_and_a_members_cancel_stops_the_next(shop: StarsShop) -> None:
    payload = await shop.buy_pro()
    await shop.feed(shop.stub.payment_update(TOM, shop.pro_paid(payload, charge="stx-first")))
    (first,) = await shop.stars_subscriptions()

    await shop.feed(shop.stub.payment_update(TOM, shop.pro_paid(payload, charge="stx-second", days=60, renewal=True)))

    (renewed,) = await shop.stars_subscriptions()
    assert renewed.id == first.id
    assert renewed.current_period_end > first.current_period_end
    assert len(await shop.stars_payments()) == 2
    tenant_id = await shop.tenant.id()
    canceled = await shop.platform.container.checkout().set_cancel_at_period_end(
        tenant_id, await shop.user_of(), renewed.id, True
    )
    assert shop.stub.sent("editUserStarSubscription") == [
        {"user_id": str(TOM), "telegram_payment_charge_id": "stx-first", "is_canceled": "true"}
    ]
    assert canceled.cancel_at_period_end is True
    assert canceled.current_period_end == renewed.current_period_end
    report = await shop.platform.container.revenue().report(tenant_id, group_by="provider")
    assert report.mrr.get("xtr") == PRO_STARS


async def test_a_plan_without_a_stars_price_points_to_the_website(shop: StarsShop) -> None:
    await shop.press("buy:team")

    assert "cannot be paid in this chat; please buy it on our website" in shop.stub.texts(TOM)[-1]
    assert shop.stub.sent("createInvoiceLink") == []
    assert shop.stub.sent("sendInvoice") == []


async def _spend_free_day(shop: StarsShop) -> str:
    for n in range(4):
        said = await shop.say(f"free {n}")
    return said
