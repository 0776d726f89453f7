"""Paying from WhatsApp: `plans` (and a denial) answer with Stripe Checkout links made for the person; paying one
(Stripe's signed webhook) lets them go on past the free limit. Without Stripe keys, the chat says paying is not
available."""

from __future__ import annotations

import re

from tests.e2e.whatsapp.shop import Shop

LINK = re.compile(r"Buy (.+): (https://stub\.stripe/pay/(\S+))")


async def test_plans_answer_with_checkout_links_and_paying_one_lifts_the_free_limit(shop: Shop) -> None:
    ada = "15550000301"
    assert await shop.say(ada, "wamid.pay-1", "one") == "one"
    assert await shop.say(ada, "wamid.pay-2", "two") == "two"
    denied = await shop.say(ada, "wamid.pay-3", "three")
    assert "you used all 2 requests per day" in denied
    assert sorted(name for name, _, _ in LINK.findall(denied)) == ["Credit pack", "Pro"]
    plans = await shop.say(ada, "wamid.pay-4", "plans")
    assert "Pro (pro): 9.00 USD a month" in plans
    assert "Credit pack (credits): 5.00 USD once" in plans
    links = {name: session for name, _, session in LINK.findall(plans)}
    assert sorted(links) == ["Credit pack", "Pro"]
    assert shop.graph.sent[-1].type == "text"
    _, events = shop.stripe.complete_checkout(links["Pro"])
    for event in events:
        await shop.deliver_stripe(event)
    assert await shop.say(ada, "wamid.pay-5", "three again") == "three again"
    usage = await shop.say(ada, "wamid.pay-6", "usage")
    assert "Plan pro:" in usage
    assert "1 of 100 used" in usage
    assert "pro" not in [name.lower() for name, _, _ in LINK.findall(await shop.say(ada, "wamid.pay-7", "plans"))]


async def test_without_stripe_keys_plans_say_plainly_that_paying_is_not_available(unpaid_shop: Shop) -> None:
    plans = await unpaid_shop.say("15550000302", "wamid.unpaid-1", "plans")
    assert "Pro (pro): 9.00 USD a month" in plans
    assert "Paying is not available here" in plans
    assert "http" not in plans
