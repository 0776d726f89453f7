"""The Stripe stub served outside a test's own event loop: from a thread (for tests whose code under test runs its
own loops, such as the CLI's), or as a process for the README's walk-through by hand, with controls that play the
user paying and Stripe changing a subscription, and that deliver the signed events to a webhook URL."""

from __future__ import annotations

import argparse
import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from aiohttp import ClientSession, web

from tests.support.stripe_stub import StripeStub, stripe_error


class WalkThroughStub(StripeStub):
    def __init__(self, *, webhook_url: str | None = None, webhook_secret: str = "whsec_local", **options: Any) -> None:
        super().__init__(**options)
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret

    async def control(self, path: list[str], form: dict[str, Any]) -> web.Response:
        """`POST /_stub/checkout/{id}/pay`: the user pays, Stripe's events go to the webhook.
        `POST /_stub/subscriptions/{id}?status=past_due&cancel_at_period_end=true&renew=true&notify=false`: Stripe
        changes a subscription, and tells the webhook unless `notify=false` (a missed webhook, for `reconcile`)."""
        try:
            match path:
                case ["checkout", session_id, "pay"]:
                    obj, events = self.complete_checkout(session_id)
                case ["subscriptions", sub_id]:
                    changes: dict[str, Any] = {k: form[k] for k in ("status",) if k in form}
                    if "cancel_at_period_end" in form:
                        changes["cancel_at_period_end"] = form["cancel_at_period_end"] == "true"
                    renew = form.get("renew") == "true"
                    obj = self.update_subscription(sub_id, renew=renew, **changes)
                    events = [self.event("customer.subscription.updated", obj)]
                    if renew:
                        events.append(self.event("invoice.paid", self.invoice(obj)))
                    events = events if form.get("notify", "true") == "true" else []
                case _:
                    return stripe_error(404, f"no stub control at /_stub/{'/'.join(path)}", "invalid_request_error")
        except LookupError as missing:
            return stripe_error(404, f"No such object: {missing}", "invalid_request_error")
        delivered = [[e["type"], await self.deliver(e)] for e in events]
        return web.json_response({"id": obj["id"], "status": obj.get("status"), "delivered": delivered})

    async def deliver(self, event: dict[str, Any]) -> int | None:
        """POST one signed event to `webhook_url` as Stripe does; the answer's status (None: no webhook set)."""
        if self.webhook_url is None:
            return None
        body, header = self.signed(event, self.webhook_secret)
        headers = {"Content-Type": "application/json", "Stripe-Signature": header}
        async with ClientSession() as client, client.post(self.webhook_url, data=body, headers=headers) as answer:
            return answer.status


@contextmanager
def running_in_thread(**options: Any) -> Iterator[WalkThroughStub]:
    """The stub served from a thread of its own, for tests whose code under test runs its own event loops (the CLI)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    stub = WalkThroughStub(**options)
    asyncio.run_coroutine_threadsafe(stub.__aenter__(), loop).result(10)
    try:
        yield stub
    finally:
        asyncio.run_coroutine_threadsafe(stub.__aexit__(None, None, None), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


async def serve(options: argparse.Namespace) -> None:
    async with WalkThroughStub(
        host=options.host, port=options.port, webhook_url=options.webhook, webhook_secret=options.webhook_secret
    ) as stub:
        print(f"Stripe stub on {stub.url}; events to {stub.webhook_url or '(no webhook)'}", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    """`python -m tests.support.stripe_stub --port 12111 --webhook URL --webhook-secret whsec_local`: the stub for a
    walk-through by hand (see the README's Billing section); Ctrl-C stops it."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook", help="where Stripe's events go, e.g. http://127.0.0.1:8000/v1/webhooks/stripe/T")
    parser.add_argument("--webhook-secret", default="whsec_local", help="the signing secret of those deliveries")
    with suppress(KeyboardInterrupt):
        asyncio.run(serve(parser.parse_args()))
