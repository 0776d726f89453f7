"""The WhatsApp Cloud API as the application needs it: send text and list messages, fetch an image; typed faults."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from promptsaas.application.ports.messenger import Answer
from promptsaas.domain.whatsapp import WhatsAppAccount

TEXT_LIMIT = 4096
"""The most characters one WhatsApp text message carries."""


class WhatsAppSendFailed(Exception):
    """The Graph API refused or failed a call; `code` is stable, `retryable` says whether a later try may work.

    Its message names Meta's error code and title, never a token."""

    code = "whatsapp_unavailable"
    retryable = True

    def __init__(self, message: str, *, graph_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.graph_code = graph_code


class OutsideWindow(WhatsAppSendFailed):
    """Error 131047: more than 24 hours since the person last wrote; only a template message may reach them now."""

    code = "whatsapp_outside_window"
    retryable = False


class WhatsAppRateLimited(WhatsAppSendFailed):
    code = "whatsapp_rate_limited"


class WhatsAppTokenExpired(WhatsAppSendFailed):
    """Error 190: the access token expired or was revoked; the tenant must set a new one."""

    code = "whatsapp_token_expired"
    retryable = False


class WhatsAppRejected(WhatsAppSendFailed):
    """Any other refusal of the request itself (a bad recipient, parameter or permission)."""

    code = "whatsapp_rejected"
    retryable = False


class MediaRejected(WhatsAppSendFailed):
    """An inbound file of a type or size the platform does not take."""

    code = "whatsapp_media_rejected"
    retryable = False


@dataclass(frozen=True, slots=True)
class ListRow:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class MediaFile:
    mime_type: str
    data: bytes


PartSent = Callable[[str], Awaitable[None]]
"""Told the `wamid` of each message of an answer as soon as it was sent."""


class WhatsAppApi(Protocol):
    @abstractmethod
    async def send_text(self, account: WhatsAppAccount, to: str, text: str) -> list[str]:
        """Send `text`, split into messages of at most `TEXT_LIMIT` characters; their `wamid`s in order."""

    @abstractmethod
    async def send_list(
        self, account: WhatsAppAccount, to: str, body: str, button: str, rows: Sequence[ListRow]
    ) -> str:
        """An interactive list message (at most 10 rows); its `wamid`."""

    @abstractmethod
    async def send_answer(
        self, account: WhatsAppAccount, to: str, answer: Answer, *, delivered: int = 0, on_sent: PartSent | None = None
    ) -> list[str]:
        """A channel answer: its text split at `TEXT_LIMIT`, its action buttons as an interactive list on the last
        piece, its link buttons as lines of text; the `wamid`s sent, in order.

        The first `delivered` messages (sent on an earlier try) are skipped; `on_sent` hears each `wamid` as soon as
        its message went, so a try that fails half-way can be resumed where it stopped."""

    @abstractmethod
    async def fetch_media(
        self, account: WhatsAppAccount, media_id: str, *, allowed_types: Sequence[str], max_bytes: int
    ) -> MediaFile:
        """`GET /{media-id}`, then its URL with the bearer token; `MediaRejected` for a wrong type or size."""
