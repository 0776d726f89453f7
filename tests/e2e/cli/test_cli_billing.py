"""`promptsaas billing ...` as an operator runs it, one process per command on a SQLite file, against the Stripe
stub: the tenant's keys from stdin, prices created once, a missed webhook repaired, the ledger, revenue, a refund."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from promptsaas.domain.billing import Interval
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform
from tests.e2e.cli.conftest import Cli, child_env, promptsaas
from tests.integration.billing.conftest import catalog
from tests.support.stripe_stub_serving import WalkThroughStub, running_in_thread

pytestmark = pytest.mark.slow
SECRET, WEBHOOK = "sk_test_shop_0123", "whsec_shop_4567"
EMAIL = "buyer@example.com"
ENCRYPTION_KEY = "billing:" + base64.b64encode(bytes(range(32))).decode()


@pytest.fixture
def stub() -> Iterator[WalkThroughStub]:
    with running_in_thread() as running:
        yield running


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'promptsaas.db'}"


@pytest.fixture
def cli(database_url: str, stub: WalkThroughStub, pycache: str, tmp_path: Path) -> Cli:
    env = child_env(
        pycache,
        PROMPTSAAS_DATABASE_URL=database_url,
        PROMPTSAAS_STRIPE_API_BASE=stub.url,
        PROMPTSAAS_ENCRYPTION_KEY=ENCRYPTION_KEY,
    )
    run = promptsaas(env)
    run("tenant", "create", "shop").ok()
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(catalog()), encoding="utf-8")
    run("catalog", "apply", "--tenant", "shop", str(path)).ok()
    run("user", "create", "--tenant", "shop", EMAIL).ok()
    return run


def subscribe(database_url: str, stub: WalkThroughStub) -> dict[str, Any]:
    """A member checks out `pro` and pays; Stripe's signed events reach the webhook inbox (the HTTP route's service)."""

    async def go() -> dict[str, Any]:
        settings = Settings(database_url=database_url, stripe_api_base=stub.url, encryption_key=ENCRYPTION_KEY)
        async with AsyncPlatform.open(database_url, settings) as platform:
            tenant = platform.tenant("shop")
            [user] = await tenant.users()
            checkout = platform.container.checkout()
            session = await checkout.checkout(await tenant.id(), user.id, "pro", Interval.MONTH)
            sub, events = stub.complete_checkout(session.id)
            for event in events:
                body, header = stub.signed(event, WEBHOOK)
                await platform.container.billing_inbox().receive("shop", "stripe", body, {"stripe-signature": header})
            return sub

    return asyncio.run(go())


def test_the_billing_commands_on_a_tenant_selling_through_stripe(
    cli: Cli, stub: WalkThroughStub, database_url: str
) -> None:
    assert "billing_not_configured" in cli("billing", "reconcile", "--tenant", "shop").failed()
    assert "invalid_input" in cli("billing", "stripe", "set", "--tenant", "shop", "--secrets-stdin", input="").failed()

    # the tenant's keys, from stdin: stored, never echoed, never audited
    stored = cli("billing", "stripe", "set", "--tenant", "shop", "--secrets-stdin", input=f"{SECRET}\n{WEBHOOK}\n")
    assert "/v1/webhooks/stripe/shop" in stored.ok().stdout
    audit = cli("--json", "audit", "--tenant", "shop").ok().stdout
    for secret in (SECRET, WEBHOOK):
        assert secret not in stored.stdout + stored.stderr + audit
    assert '"billing.keys.set"' in audit

    # prices: created once, found again the second time, stored on the plans
    first = cli("--json", "billing", "sync-prices", "--tenant", "shop").json()
    assert sorted((r["plan"], r["price"], r["created"]) for r in first) == [
        ("credits", "stripe_once", True),
        ("pro", "stripe_monthly", True),
        ("pro", "stripe_yearly", True),
    ]
    assert "already has its Stripe price ids" in cli("billing", "sync-prices", "--tenant", "shop").ok().stdout
    kinds = [o["object"] for o in stub.objects.values()]
    assert (kinds.count("product"), kinds.count("price")) == (2, 3)

    # a subscription Stripe changed while its webhook was lost: repaired once, then nothing to do
    sub = subscribe(database_url, stub)
    assert stub.objects[sub["items"]["data"][0]["price"]["id"]]["lookup_key"]  # bought at the synced price
    stub.update_subscription(str(sub["id"]), cancel_at_period_end=True)
    repaired = cli("billing", "reconcile", "--tenant", "shop").ok().stdout
    assert f"({sub['id']}): cancel_at_period_end false -> true" in repaired
    assert "checked 1 subscription(s), repaired 1" in repaired
    again = cli("--json", "billing", "reconcile", "--tenant", "shop").json()
    assert (again["checked"], again["repaired"]) == (1, [])

    # the ledger, revenue and a refund
    [charge] = cli("--json", "billing", "payments", "--tenant", "shop").json()
    assert (charge["kind"], charge["amount"], charge["currency"], charge["plan"]) == ("charge", 900, "usd", "pro")
    revenue = cli("--json", "billing", "revenue", "--tenant", "shop", "--group-by", "plan").json()
    assert revenue["lines"] == [{"group": "pro", "currency": "usd", "charges": 900, "refunds": 0, "net": 900}]
    assert (revenue["active_subscriptions"], revenue["mrr"]) == (1, {"usd": 900})
    assert "MRR: 900 usd" in cli("billing", "revenue", "--tenant", "shop", "--since", "2000-01-01").ok().stdout
    refunded = cli("billing", "refund", "--tenant", "shop", charge["id"]).ok().stdout
    assert f"asked stripe to refund 900 usd (payment {charge['id']})" in refunded
    assert [r for r in stub.requests if r[1] == "/v1/refunds"]
    twice = cli("billing", "refund", "--tenant", "shop", charge["id"]).failed()
    assert "payment_already_refunded" in twice
    assert "already requested" in twice
    assert len([r for r in stub.requests if r[1] == "/v1/refunds"]) == 1  # Stripe was not asked again
    assert "payment_not_found" in cli("billing", "refund", "--tenant", "shop", "nope").failed()


@pytest.mark.parametrize(
    ("stdin", "says"),
    [
        (f"pk_live_notsecret\n{WEBHOOK}\n", "secret_key must be a Stripe secret key"),
        (f"{SECRET}\nnothwhsec\n", "webhook_secret must be a Stripe webhook signing secret"),
        (f"{SECRET}\n", "stdin must hold the secret key, then the webhook signing secret"),
        (f"pk_x\n{WEBHOOK}\n", "secret_key must be a Stripe secret key"),
    ],
)
def test_stripe_keys_of_the_wrong_shape_or_one_line_are_refused_in_one_line_and_nothing_is_stored(
    cli: Cli, stdin: str, says: str
) -> None:
    refused = cli("billing", "stripe", "set", "--tenant", "shop", "--secrets-stdin", input=stdin)
    message = refused.failed()
    assert says in message
    assert "stored" not in refused.stdout
    for value in stdin.split():
        assert value not in refused.stdout + message
    assert '"billing.keys.set"' not in cli("--json", "audit", "--tenant", "shop").ok().stdout
    assert "billing_not_configured" in cli("billing", "reconcile", "--tenant", "shop").failed()
