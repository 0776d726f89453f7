"""The synchronous library's billing methods, as a script uses them: packs with their balance, an empty ledger and
revenue, and one clear error for what needs Stripe keys or names an unknown payment."""

from __future__ import annotations

import pytest

from promptsaas.domain.billing import BillingNotConfigured
from promptsaas.domain.errors import NotFound
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import Platform

FAST = Settings(database_url="memory://", password_memory_kib=1024, password_time_cost=1)
CATALOG = {
    "agents": [{"slug": "tutor", "name": "Tutor", "prompt": {"system": "You are a tutor.", "model": "offline:echo"}}],
    "plans": [
        {"code": "free", "default": True, "agents": []},
        {
            "code": "credits",
            "kind": "pack",
            "agents": "all",
            "expires_days": 7,
            "limits": [{"metric": "requests", "window": "grant", "amount": 5}],
            "price": {"once": 300, "currency": "eur"},
        },
    ],
}


def test_the_sync_tenant_reads_packs_payments_and_revenue() -> None:
    with Platform.in_memory(FAST) as platform:
        shop = platform.create_tenant("shop")
        shop.apply_catalog(CATALOG)
        shop.create_user("ann@example.com")
        held = shop.grant_subscription("ann@example.com", "credits")
        shop.chat("ann@example.com", "tutor", "one")

        [pack] = shop.packs("ann@example.com")
        assert (pack.subscription_id, pack.plan_code, pack.expires_at) == (held.id, "credits", held.current_period_end)
        assert [(v.used, v.remaining) for v in pack.limits] == [(1, 4)]
        assert shop.payments() == []
        report = shop.revenue(group_by="provider")
        assert (report.lines, report.active_subscriptions) == ((), 0)

        with pytest.raises(NotFound) as unknown:
            shop.refund("nope")
        assert unknown.value.code == "payment_not_found"
        with pytest.raises(BillingNotConfigured):
            shop.sync_prices()
        with pytest.raises(BillingNotConfigured):
            shop.reconcile_billing()
