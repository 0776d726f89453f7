"""The WhatsApp channel's bodies: the tenant admin's settings (secrets in, never out) and the inbox as read."""

from __future__ import annotations

from typing import Annotated

import msgspec

from promptsaas.entrypoints.http.schemas.base import Read, Request, about

Secret = Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]


class WhatsAppSettingsIn(Request):
    phone_number_id: Annotated[
        str, msgspec.Meta(pattern=r"^\d{1,64}$"), about("The number's id in Meta's app", "106540352242922")
    ]
    access_token: Annotated[Secret, about("A system user's access token with whatsapp_business_messaging", "EAAG…")]
    app_secret: Annotated[Secret, about("The Meta app's secret: it signs every webhook delivery", "3f2a…")]
    verify_token: Annotated[
        Secret, about("Any string you also enter in Meta's webhook settings", "a-long-random-string")
    ]


class WhatsAppSettingsRead(Read):
    phone_number_id: Annotated[str, about("The number's id in Meta's app", "106540352242922")]
    source: Annotated[str, about("`tenant` (stored here) or `default` (the deployment's settings)", "tenant")]
    webhook_path: Annotated[
        str, about("The callback path to give Meta, under this server's URL", "/v1/webhooks/whatsapp/acme")
    ]


class OutboundRead(Read):
    id: Annotated[str, about("The message's `wamid`", "wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI")]
    recipient: Annotated[str, about("Who it was sent to (wa_id or BSUID)", "15551234567")]
    status: Annotated[str, about("`accepted`, `sent`, `delivered`, `read` or `failed`", "delivered")]
    error_code: Annotated[str | None, about("Meta's error code of a failed delivery", None)]


class InboxEntryRead(Read):
    id: Annotated[str, about("The inbound message's `wamid`", "wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQz")]
    person: Annotated[str, about("The business-scoped user id, else the wa_id", "US.13491208655302741918")]
    kind: Annotated[str, about("`text`, `image`, `choice` or `unsupported`", "text")]
    state: Annotated[str, about("`pending`, `answered` or `failed`", "answered")]
    attempts: Annotated[int, about("How many times it was taken up", 1)]
    received_at: Annotated[str, about("When the webhook brought it (ISO 8601, UTC)", "2026-01-15T09:30:00+00:00")]
    error_code: Annotated[str | None, about("Why the last try failed (e.g. `whatsapp_outside_window`)", None)]
    error: Annotated[str | None, about("What the Graph API said, without any secret", None)]
    replies: Annotated[list[OutboundRead], about("The messages sent in answer, with their statuses", [])]


class WebhookAck(Read):
    received: Annotated[int, about("Messages in the delivery", 1)]
    stored: Annotated[int, about("Messages not seen before, now in the inbox", 1)]
    statuses: Annotated[int, about("Delivery statuses recorded", 0)]
