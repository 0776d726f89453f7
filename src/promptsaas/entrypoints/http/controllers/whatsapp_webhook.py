"""Meta's WhatsApp webhook: the subscription challenge, and signed deliveries stored before they are answered."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.openapi.spec import Example
from litestar.params import HeaderParameter, PathParameter, QueryParameter

from promptsaas.adapters.messengers.whatsapp.webhook import parse_webhook
from promptsaas.application.admin import AdminService
from promptsaas.application.whatsapp.accounts import WhatsAppAccounts
from promptsaas.application.whatsapp.responder import WhatsAppResponder
from promptsaas.entrypoints.http.openapi import AS_TENANT, problems
from promptsaas.entrypoints.http.schemas.whatsapp import WebhookAck

Tenant = Annotated[str, PathParameter(max_length=64, description="The tenant's slug", examples=[Example(value="acme")])]
Mode = Annotated[
    str | None, QueryParameter(name="hub.mode", description="`subscribe`", examples=[Example(value="subscribe")])
]
VerifyToken = Annotated[
    str | None,
    QueryParameter(
        name="hub.verify_token",
        description="The verify token entered in Meta's webhook settings",
        examples=[Example(value="a-long-random-string")],
    ),
]
Challenge = Annotated[
    str,
    QueryParameter(
        name="hub.challenge", description="What to echo back, byte for byte", examples=[Example(value="1158201444")]
    ),
]
Signature = Annotated[
    str | None,
    HeaderParameter(
        name="X-Hub-Signature-256",
        description="`sha256=` and the HMAC-SHA256 of the raw body with the app secret",
        examples=[Example(value="sha256=6c1f0d9c4b1b3a2e…")],
    ),
]


class WhatsAppWebhookController(Controller):
    path = "/v1/webhooks/whatsapp"
    tags = ["webhooks"]

    @get(
        "/{tenant:str}",
        operation_id="verifyWhatsAppWebhook",
        summary="Answer Meta's subscription challenge",
        media_type="text/plain",
        responses=problems(*AS_TENANT, "verification_failed"),
    )
    async def verify(
        self,
        admin: NamedDependency[AdminService],
        whatsapp_accounts: NamedDependency[WhatsAppAccounts],
        tenant: Tenant,
        mode: Mode = None,
        token: VerifyToken = None,
        challenge: Challenge = "",
    ) -> Response[bytes]:
        """`hub.mode=subscribe` with the tenant's verify token echoes `hub.challenge` as it came; else 403."""
        tenant_id = (await admin.tenant(tenant)).id
        await whatsapp_accounts.verify_subscription(tenant_id, mode, token)
        return Response(challenge.encode(), media_type="text/plain")

    @post(
        "/{tenant:str}",
        status_code=200,
        operation_id="receiveWhatsAppWebhook",
        summary="Receive messages and statuses",
        responses=problems(*AS_TENANT, "invalid_signature"),
    )
    async def deliver(
        self,
        request: Request[Any, Any, Any],
        admin: NamedDependency[AdminService],
        whatsapp_accounts: NamedDependency[WhatsAppAccounts],
        whatsapp: NamedDependency[WhatsAppResponder],
        tenant: Tenant,
        signature: Signature = None,
    ) -> Response[WebhookAck]:
        """Checks `X-Hub-Signature-256` over the raw body (401 and nothing stored when it fails), stores each new
        message and records each status in one transaction, answers 200, then answers the messages in the
        background. A message Meta delivers again is stored and answered once."""
        body = await request.body()
        tenant_id = (await admin.tenant(tenant)).id
        await whatsapp_accounts.authenticate(tenant_id, body, signature)
        messages, statuses = parse_webhook(body)
        stored = await whatsapp.accept(tenant_id, messages, statuses)
        ack = WebhookAck(received=len(messages), stored=len(stored), statuses=len(statuses))
        return Response(ack, background=BackgroundTask(whatsapp.process, tenant_id, stored))
