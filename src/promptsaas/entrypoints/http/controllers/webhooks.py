"""Payment providers' webhooks: the raw body verified with the tenant's signing secret, stored, then applied once."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_200_OK

from promptsaas.application.billing.inbox import BillingInbox
from promptsaas.entrypoints.http.openapi import ANONYMOUS, problems
from promptsaas.entrypoints.http.parameters import TenantSlug
from promptsaas.entrypoints.http.schemas.billing import WebhookAck


class WebhooksController(Controller):
    path = "/v1/webhooks"
    tags = ["webhooks"]

    @post(
        "/stripe/{tenant:str}",
        status_code=HTTP_200_OK,
        operation_id="receiveStripeWebhook",
        summary="Receive a Stripe event",
        responses=problems(
            *ANONYMOUS, "webhook_signature_invalid", "webhook_invalid", "tenant_not_found", "billing_not_configured"
        ),
    )
    async def stripe(
        self, billing_inbox: NamedDependency[BillingInbox], request: Request[Any, Any, Any], tenant: TenantSlug
    ) -> WebhookAck:
        """Stripe's events for the tenant, signed with its webhook secret (`Stripe-Signature`, 300 s tolerance).
        A 2xx means the event is stored; it is applied exactly once, whatever the order or the duplicates."""
        stored = await billing_inbox.receive(tenant, "stripe", await request.body(), request.headers)
        return WebhookAck(received=True, duplicate=not stored)
