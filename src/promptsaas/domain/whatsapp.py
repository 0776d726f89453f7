"""A tenant's WhatsApp Business number, and what its webhook brings in: messages and delivery statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class WhatsAppAccount:
    """What the Graph API and Meta's webhook need of a tenant's number; the three secrets never reach a repr."""

    phone_number_id: str
    access_token: str = field(repr=False)
    app_secret: str = field(repr=False)
    verify_token: str = field(repr=False)


class InboundKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    CHOICE = "choice"
    """A row picked in an interactive list (or a reply button)."""
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class InboundWhatsApp:
    """One message a person sent to the tenant's number, as its webhook describes it."""

    message_id: str
    person: str
    """The business-scoped user id when Meta sends one, else the `wa_id`: the subject of `whatsapp:<id>`."""
    reply_to: str
    """The `wa_id` (phone) to answer, else the BSUID (sent as `recipient`)."""
    kind: InboundKind
    text: str = ""
    media_id: str | None = None
    mime_type: str | None = None
    choice: str | None = None
    name: str = ""


class DeliveryState(StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DeliveryStatus:
    """A status webhook about one outbound message (`wamid`)."""

    message_id: str
    state: DeliveryState
    error_code: str | None = None
    error_title: str | None = None
