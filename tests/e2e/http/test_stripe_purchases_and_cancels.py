"""Buying again, cancels, refunds and keys over a real socket, against `promptsaas serve` and the Stripe stub (which
refuses an idempotency key sent again with other parameters, as Stripe does): a second pack or a plan bought again is
a new checkout session while a retry is the same one, unless it was paid since (being confirmed) or expired; a charge
is refunded once; an admin's cancel of a Stripe subscription cancels it at Stripe; a member cannot cancel a pack;
Stripe keys of the wrong shape are refused and nothing is stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.http.billing_world import BillingServer, Member, problem, served_billing, stripe_env
from tests.e2e.http.server_process import ENGINES, promptsaas, server_env
from tests.support.catalogs import PACK

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=ENGINES)
def billing(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BillingServer]:
    with served_billing(request, tmp_path_factory.mktemp(f"purchases-{request.param}")) as world:
        with world.admin() as admin:
            applied = admin.put("/v1/admin/catalog", json=PACK)
            assert applied.status_code == 200, applied.text
        yield world


def buy_pack(billing: BillingServer, member: Member) -> str:
    answer = member.http.post("/v1/billing/checkout", json={"plan": "credits"})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def pay(billing: BillingServer, session_id: str) -> dict[str, Any]:
    paid, events = billing.stub.complete_checkout(session_id)
    for event in events:
        assert billing.deliver(event).status_code == 200
    return paid


def test_a_second_pack_is_a_new_session_and_a_retry_the_same(billing: BillingServer) -> None:
    member = billing.new_member("hoarder")
    first = buy_pack(billing, member)
    assert buy_pack(billing, member) == first  # a retried request, nothing paid yet
    pay(billing, first)

    second = buy_pack(billing, member)
    assert second != first
    assert billing.stub.objects[second]["status"] == "open"
    assert buy_pack(billing, member) == second
    pay(billing, second)
    third = buy_pack(billing, member)
    assert third not in (first, second)
    packs = member.http.get("/v1/me").json()["packs"]
    assert [p["plan"] for p in packs] == ["credits", "credits"]


def test_an_admin_cancel_of_a_stripe_subscription_cancels_it_at_stripe(billing: BillingServer) -> None:
    member = billing.new_member("leaver")
    session = billing.checkout(member)
    stripe_sub = pay(billing, session["id"])
    [sub] = billing.stripe_subscriptions(member)

    with billing.admin() as admin:
        canceled = admin.post(f"/v1/admin/subscriptions/{sub['id']}/cancel")
        assert canceled.status_code == 200, canceled.text
        assert canceled.json()["status"] == "canceled"
        audit = admin.get("/v1/admin/audit", params={"limit": 200}).json()
    assert ("DELETE", f"/v1/subscriptions/{stripe_sub['id']}") in [(m, p) for m, p, _ in billing.stub.requests]
    assert billing.stub.objects[stripe_sub["id"]]["status"] == "canceled"  # Stripe bills it no more
    assert [e["after"] for e in audit if e["action"] == "subscription.cancel" and e["target"] == sub["id"]]
    assert billing.deliver(billing.stub.event("customer.subscription.deleted", stripe_sub)).status_code == 200
    env = {**server_env(billing.database_url, billing.workdir), **stripe_env(billing.stub)}
    reconciled = promptsaas(env, billing.workdir, "billing", "reconcile", "--tenant", billing.tenant)
    assert f"({stripe_sub['id']})" not in reconciled  # nothing to bring back
    assert [s["status"] for s in billing.stripe_subscriptions(member)] == ["canceled"]

    again = billing.checkout(member)  # buying the plan again: a new session, not the one already paid
    assert again["id"] != session["id"]
    assert billing.stub.objects[again["id"]]["status"] == "open"


def test_a_members_cancel_or_resume_of_a_pack_is_refused_and_changes_nothing(billing: BillingServer) -> None:
    member = billing.new_member("packer")
    pay(billing, buy_pack(billing, member))
    [before] = member.http.get("/v1/me").json()["packs"]
    updates = len([r for r in billing.stub.requests if r[0] == "POST" and r[1].startswith("/v1/subscriptions/")])

    for action in ("cancel", "resume"):
        refused = member.http.post(f"/v1/billing/subscriptions/{before['subscription_id']}/{action}")
        assert "bought once" in problem(refused, 409, "pack_not_cancelable")["detail"]
    assert member.http.get("/v1/me").json()["packs"] == [before]
    after = len([r for r in billing.stub.requests if r[0] == "POST" and r[1].startswith("/v1/subscriptions/")])
    assert after == updates
    assert member.http.post("/v1/agents/tutor/runs", json={"input": "still mine"}).status_code == 200


@pytest.mark.parametrize(
    ("keys", "field"),
    [
        ({"secret_key": "pk_live_notsecret", "webhook_secret": "whsec_x"}, "secret_key"),
        ({"secret_key": "sk_test_goodshape", "webhook_secret": "nothwhsec"}, "webhook_secret"),
        ({"secret_key": "sk_test_goodshape"}, "webhook_secret"),
        ({"secret_key": "sk_test_goodshape", "webhook_secret": "   "}, "webhook_secret"),
    ],
)
def test_stripe_keys_of_the_wrong_shape_are_refused_naming_the_field_and_nothing_is_stored(
    billing: BillingServer, keys: dict[str, str], field: str
) -> None:
    with billing.admin() as admin:
        refused = admin.put("/v1/admin/billing/stripe", json=keys)
        body = problem(refused, 400, "payment_key_invalid")
        audit = admin.get("/v1/admin/audit", params={"limit": 200}).json()
    assert body.get("field") == field, body
    for value in filter(str.strip, keys.values()):
        assert value.strip() not in refused.text
    assert not [e for e in audit if e["action"] == "billing.keys.set"]
    member = billing.new_member(f"keys-{field}-{len(keys['secret_key'])}-{len(keys.get('webhook_secret', ''))}")
    assert member.http.post("/v1/billing/checkout", json={"plan": "credits"}).status_code == 201  # the deployment's


def test_a_checkout_paid_but_not_yet_confirmed_is_not_offered_again(billing: BillingServer) -> None:
    member = billing.new_member("eager")
    session = billing.checkout(member)
    _, events = billing.stub.complete_checkout(session["id"])  # paid at Stripe; its webhook still on the way

    waiting = member.http.post("/v1/billing/checkout", json={"plan": "pro", "interval": "month"})
    assert "being confirmed" in problem(waiting, 409, "payment_being_confirmed")["detail"]
    sessions = [o for o in billing.stub.objects.values() if o["object"] == "checkout.session"]
    assert [s["id"] for s in sessions if s["customer_email"] == member.email] == [session["id"]]  # none opened

    for event in events:
        assert billing.deliver(event).status_code == 200
    assert [s["plan"] for s in billing.stripe_subscriptions(member)] == ["pro"]
    again = billing.checkout(member)  # buying it again once the first purchase counts: a new page to pay
    assert again["id"] != session["id"]
    assert billing.stub.objects[again["id"]]["status"] == "open"


def test_a_checkout_whose_session_expired_gets_a_new_one(billing: BillingServer) -> None:
    member = billing.new_member("dawdler")
    first = billing.checkout(member)
    billing.stub.objects[first["id"]]["status"] = "expired"  # given up at Stripe before the hour was over

    second = billing.checkout(member)
    assert second["id"] != first["id"]
    assert billing.stub.objects[second["id"]]["status"] == "open"
    assert billing.checkout(member)["id"] == second["id"]  # and a retry is that one


def test_a_charge_is_refunded_once_however_often_the_refund_is_asked(billing: BillingServer) -> None:
    member = billing.new_member("returner")
    intent = pay(billing, buy_pack(billing, member))
    with billing.admin() as admin:
        [charge] = [p for p in admin.get("/v1/admin/payments").json() if p["user_id"] == member.id]

        assert admin.post(f"/v1/admin/payments/{charge['id']}/refund").status_code == 200
        asked = admin.post(f"/v1/admin/payments/{charge['id']}/refund")  # before Stripe's refund event arrived
        assert "already requested" in problem(asked, 409, "payment_already_refunded")["detail"]

        assert billing.deliver(billing.stub.charge_refunded(str(intent["id"]))).status_code == 200
        done = admin.post(f"/v1/admin/payments/{charge['id']}/refund")  # the ledger lists the refund
        assert "is already refunded" in problem(done, 409, "payment_already_refunded")["detail"]
        audit = admin.get("/v1/admin/audit", params={"limit": 200}).json()
        refunds = [p for p in admin.get("/v1/admin/payments").json() if p["kind"] == "refund"]
    assert [e["target"] for e in audit if e["action"] == "payment.refund"].count(charge["id"]) == 1
    asked_stripe = [b for _, path, b in billing.stub.requests if path == "/v1/refunds"]
    assert [b["payment_intent"] for b in asked_stripe].count(intent["id"]) == 1
    assert [r["amount"] for r in refunds if r["user_id"] == member.id] == [500]
