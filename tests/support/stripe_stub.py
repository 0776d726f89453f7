"""A loopback stub of the Stripe API for the calls promptsaas makes, speaking Stripe's wire protocol: form-encoded
bodies with bracket keys (`line_items[0][price]=...`), JSON objects back, idempotency keys honoured (a replay is the
first answer again, marked `Idempotent-Replayed: true`).

    async with StripeStub() as stub:
        # StripeClient(key, base_addresses={"api": stub.url}) ...
        sub, events = stub.complete_checkout(session_id)      # what Stripe does when the user pays
        body, header = stub.signed(events[0], secret)         # a webhook delivery

Time moves only when a test says so (`stub.now`), so periods and event `created` stamps are deterministic.
`python -m tests.support.stripe_stub` serves it for a walk-through by hand (`stripe_stub_serving.py`).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import threading
import time
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl

import stripe
from aiohttp import web

MONTH = 30 * 86400
YEAR = 365 * 86400


def parse_form(body: str) -> dict[str, Any]:
    """`a[b][0][c]=1` → {"a": {"b": [{"c": "1"}]}} (lists where every key is a number)."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        return [_lists(node[k]) for k in sorted(node, key=int)]
    return {k: _lists(v) for k, v in node.items()}


class StripeStub:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.now = int(time.time())
        self.objects: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        self.fail_next = 0
        """Answer the next N API calls with a 500."""
        self.failing_for: set[str] = set()
        """Object ids whose API calls answer 500 while they are in the set (Stripe failing for them alone)."""
        self.fetches_open = threading.Event()
        """While cleared, `GET /v1/subscriptions/…` gets no answer (a worker stuck between storing and applying)."""
        self.fetches_open.set()
        self.idempotency_keys: list[str] = []
        """The `Idempotency-Key` of every POST that sent one, in order."""
        self._idempotent: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        """Per key: the parameters first sent with it and the answer (Stripe refuses the key with other ones)."""
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_stub{next(self._ids):06d}"

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.fetches_open.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        body = parse_form(await request.text() if request.can_read_body else request.query_string)
        if request.path.startswith("/_stub/"):
            return await self.control(request.path.removeprefix("/_stub/").split("/"), {**request.query, **body})
        self.requests.append((request.method, request.path, body))
        if not request.headers.get("Authorization", "").startswith("Bearer sk_"):
            return stripe_error(401, "Invalid API Key provided", "authentication_error")
        if self.fail_next > 0 or any(part in self.failing_for for part in request.path.split("/")):
            self.fail_next = max(self.fail_next - 1, 0)
            return stripe_error(500, "stub failure", "api_error")
        if request.method == "GET" and request.path.startswith("/v1/subscriptions/"):
            await asyncio.to_thread(self.fetches_open.wait)
        key = request.headers.get("Idempotency-Key")
        if request.method == "POST" and key:
            self.idempotency_keys.append(key)
        if request.method == "POST" and key and key in self._idempotent:
            first, answer = self._idempotent[key]
            if first != body:
                return stripe_error(
                    400,
                    "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                    "idempotency_error",
                )
            return web.json_response(answer, headers={"Idempotent-Replayed": "true"})
        try:
            answer = self._route(request.method, request.path.removeprefix("/v1/").split("/"), body)
        except LookupError as missing:
            return stripe_error(404, f"No such object: {missing}", "invalid_request_error")
        except FileExistsError as taken:
            return stripe_error(400, f"Already exists: {taken}", "invalid_request_error")
        if request.method == "POST" and key:
            self._idempotent[key] = (body, copy.deepcopy(answer))  # replayed as first sent, as Stripe does
        return web.json_response(answer)

    async def control(self, path: list[str], form: dict[str, Any]) -> web.Response:
        """The walk-through's controls (`/_stub/...`), served by `stripe_stub_serving.WalkThroughStub`."""
        return stripe_error(404, "no stub controls here", "invalid_request_error")

    def _route(self, method: str, path: list[str], body: dict[str, Any]) -> dict[str, Any]:
        match method, path:
            case "POST", ["customers"]:
                return self._put("cus", "customer", email=body.get("email"), metadata=body.get("metadata", {}))
            case "POST", ["checkout", "sessions"]:
                return self._checkout(body)
            case "GET", ["checkout", "sessions", session_id]:
                return self._get(session_id)
            case "POST", ["billing_portal", "sessions"]:
                self._get(body["customer"])
                return self._put("bps", "billing_portal.session", url="https://stub.stripe/portal", **body)
            case "GET", ["subscriptions", sub_id]:
                return self._get(sub_id)
            case "POST", ["subscriptions", sub_id]:
                sub = self._get(sub_id)
                if "cancel_at_period_end" in body:
                    sub["cancel_at_period_end"] = body["cancel_at_period_end"] == "true"
                return sub
            case "DELETE", ["subscriptions", sub_id]:
                return self.update_subscription(sub_id, status="canceled", canceled_at=self.now, ended_at=self.now)
            case "POST", ["refunds"]:
                return self._refund(body)
            case "POST", ["products"]:
                return self._product(body)
            case "GET", ["products", product_id]:
                return self._get(product_id)
            case "POST", ["prices"]:
                return self._price(body)
            case "GET", ["prices"]:
                keys = body.get("lookup_keys") or []
                keys = keys if isinstance(keys, list) else [keys]
                found = [o for o in self.objects.values() if o["object"] == "price" and o.get("lookup_key") in keys]
                return {"object": "list", "data": found, "has_more": False, "url": "/v1/prices"}
        raise LookupError("/".join(path))

    def _put(self, prefix: str, kind: str, **fields: Any) -> dict[str, Any]:
        obj = {"id": self.new_id(prefix), "object": kind, "created": self.now, "livemode": False, **fields}
        self.objects[obj["id"]] = obj
        return obj

    def _get(self, object_id: str) -> dict[str, Any]:
        if object_id not in self.objects:
            raise LookupError(object_id)
        return self.objects[object_id]

    def _product(self, body: dict[str, Any]) -> dict[str, Any]:
        """A product, under the caller's own `id` when it names one (Stripe refuses an id already taken)."""
        fields = {"name": body.get("name"), "metadata": body.get("metadata", {})}
        if "id" not in body:
            return self._put("prod", "product", **fields)
        if body["id"] in self.objects:
            raise FileExistsError(body["id"])
        product = {"id": body["id"], "object": "product", "created": self.now, "livemode": False, **fields}
        self.objects[product["id"]] = product
        return product

    def _price(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("lookup_key") and any(o.get("lookup_key") == body["lookup_key"] for o in self.objects.values()):
            raise FileExistsError(body["lookup_key"])
        if body.get("product"):
            self._get(body["product"])
        recurring = body.get("recurring")
        return self._put(
            "price",
            "price",
            product=body.get("product"),
            unit_amount=int(body["unit_amount"]),
            currency=body.get("currency", "usd"),
            recurring={"interval": recurring["interval"]} if recurring else None,
            lookup_key=body.get("lookup_key"),
            metadata=body.get("metadata", {}),
        )

    def _checkout(self, body: dict[str, Any]) -> dict[str, Any]:
        item = body["line_items"][0]
        if "price" in item:
            price = self._get(item["price"])
        else:
            data = item["price_data"]
            recurring = data.get("recurring")
            price = self._price(
                {"unit_amount": data["unit_amount"], "currency": data["currency"], "recurring": recurring}
            )
        session = self._put(
            "cs",
            "checkout.session",
            mode=body["mode"],
            status="open",
            payment_status="unpaid",
            customer=body.get("customer"),
            customer_email=body.get("customer_email"),
            client_reference_id=body.get("client_reference_id"),
            metadata=body.get("metadata", {}),
            success_url=body.get("success_url"),
            cancel_url=body.get("cancel_url"),
            amount_total=price["unit_amount"],
            currency=price["currency"],
            subscription=None,
            payment_intent=None,
            _price=price["id"],
            _subscription_data=body.get("subscription_data", {}),
        )
        session["url"] = f"https://stub.stripe/pay/{session['id']}"
        return session

    # ---- what Stripe does on its side, driven by the test -------------------------------------------------------

    def complete_checkout(self, session_id: str, *, paid: bool = True) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The user paid: the customer, the subscription (or payment intent) and the events Stripe would send."""
        session = self._get(session_id)
        if session["customer"] is None:
            session["customer"] = self._put("cus", "customer", email=session["customer_email"], metadata={})["id"]
        session["status"] = "complete"
        session["payment_status"] = "paid" if paid else "unpaid"
        events: list[dict[str, Any]] = []
        if session["mode"] == "subscription":
            sub = self.create_subscription(session)
            session["subscription"] = sub["id"]
            events.append(self.event("customer.subscription.created", sub))
            events.append(self.event("checkout.session.completed", session))
            invoice = self.invoice(sub)
            events.append(self.event("invoice.paid", invoice))
            return sub, events
        intent = self._put("pi", "payment_intent", amount=session["amount_total"], currency=session["currency"])
        intent["latest_charge"] = self._put("ch", "charge", payment_intent=intent["id"], amount=intent["amount"])["id"]
        session["payment_intent"] = intent["id"]
        events.append(self.event("checkout.session.completed", session))
        return intent, events

    def create_subscription(self, session: dict[str, Any]) -> dict[str, Any]:
        price = self._get(session["_price"])
        trial = int(session["_subscription_data"].get("trial_period_days", 0) or 0)
        length = YEAR if (price.get("recurring") or {}).get("interval") == "year" else MONTH
        end = self.now + (trial * 86400 if trial else length)
        item = {
            "id": self.new_id("si"),
            "object": "subscription_item",
            "price": price,
            "quantity": 1,
            "current_period_start": self.now,
            "current_period_end": end,
        }
        return self._put(
            "sub",
            "subscription",
            customer=session["customer"],
            status="trialing" if trial else "active",
            cancel_at_period_end=False,
            metadata=session["_subscription_data"].get("metadata", session["metadata"]),
            items={"object": "list", "data": [item], "has_more": False},
        )

    def update_subscription(self, sub_id: str, **changes: Any) -> dict[str, Any]:
        """Change the subscription as Stripe would (status, cancel flag); `renew=True` advances the period."""
        sub = self._get(sub_id)
        item = sub["items"]["data"][0]
        if changes.pop("renew", False):
            length = item["current_period_end"] - item["current_period_start"]
            item["current_period_start"] = item["current_period_end"]
            item["current_period_end"] += length
        if "price" in changes:
            item["price"] = self._get(changes.pop("price"))
        sub.update(changes)
        return sub

    def invoice(self, sub: dict[str, Any], *, paid: bool = True) -> dict[str, Any]:
        item = sub["items"]["data"][0]
        intent = self._put("pi", "payment_intent", amount=item["price"]["unit_amount"], currency="usd")
        return self._put(
            "in",
            "invoice",
            customer=sub["customer"],
            status="paid" if paid else "open",
            amount_paid=item["price"]["unit_amount"] if paid else 0,
            amount_due=item["price"]["unit_amount"],
            currency=item["price"]["currency"],
            parent={"type": "subscription_details", "subscription_details": {"subscription": sub["id"]}},
            payments={"data": [{"payment": {"type": "payment_intent", "payment_intent": intent["id"]}}]},
            lines={"data": [{"period": {"start": item["current_period_start"], "end": item["current_period_end"]}}]},
        )

    def _refund(self, body: dict[str, Any]) -> dict[str, Any]:
        target = body.get("payment_intent") or body.get("charge")
        paid = self._get(str(target))
        amount = int(body.get("amount") or paid["amount"])
        charge_id = paid.get("latest_charge") or paid["id"]
        charge = self.objects.get(charge_id, {"id": charge_id})
        charge["amount_refunded"] = charge.get("amount_refunded", 0) + amount
        charge["refunded"] = charge["amount_refunded"] >= paid["amount"]
        return self._put(
            "re",
            "refund",
            charge=charge_id,
            payment_intent=body.get("payment_intent"),
            amount=amount,
            currency=paid.get("currency", "usd"),
            status="succeeded",
        )

    def charge_refunded(self, intent_id: str) -> dict[str, Any]:
        intent = self._get(intent_id)
        charge = self._get(intent["latest_charge"])
        charge.setdefault("amount_refunded", intent["amount"])
        charge.update(refunded=True, currency=intent["currency"], customer=None)
        return self.event("charge.refunded", charge)

    def event(self, kind: str, obj: dict[str, Any], *, created: int | None = None) -> dict[str, Any]:
        """A snapshot event of `obj` as it is now (private `_` fields left out)."""
        snapshot = json.loads(json.dumps({k: v for k, v in obj.items() if not k.startswith("_")}))
        return self._put(
            "evt",
            "event",
            type=kind,
            created=created or self.now,
            api_version="2025-08-27.basil",
            data={"object": snapshot},
        )

    @staticmethod
    def signed(event: dict[str, Any], secret: str, *, timestamp: int | None = None) -> tuple[bytes, str]:
        """The body and `Stripe-Signature` header of one delivery."""
        body = json.dumps(event)
        return body.encode(), stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)


def stripe_error(status: int, message: str, kind: str) -> web.Response:
    return web.json_response({"error": {"message": message, "type": kind}}, status=status)


if __name__ == "__main__":  # python -m tests.support.stripe_stub --port 12111 --webhook URL: the README's walk-through
    from tests.support.stripe_stub_serving import main

    main()
