"""The Graph API client: messages out through `POST /{version}/{phone_number_id}/messages`, media in.

Transient faults (a connection error, 5xx, a rate limit) are tried again with exponential backoff, a bounded number
of times; every other fault fails at once. The access token goes only into the Authorization header.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from promptsaas.adapters.messengers.whatsapp.faults import fault_from
from promptsaas.application.ports.messenger import Answer
from promptsaas.application.ports.whatsapp import (
    TEXT_LIMIT,
    ListRow,
    MediaFile,
    MediaRejected,
    PartSent,
    WhatsAppApi,
    WhatsAppSendFailed,
)
from promptsaas.domain.whatsapp import WhatsAppAccount

_T = TypeVar("_T")
GRAPH_API_BASE = "https://graph.facebook.com"
GRAPH_API_VERSION = "v26.0"
LIST_ROWS = 10


@dataclass(frozen=True, slots=True)
class GraphSettings:
    api_base: str = GRAPH_API_BASE
    api_version: str = GRAPH_API_VERSION
    timeout_seconds: float = 20.0
    max_retries: int = 3
    backoff_seconds: float = 0.5


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut at the last line break or space before the limit when there is one."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind("\n", 0, limit + 1), rest.rfind(" ", 0, limit + 1))
        cut = cut if cut > limit // 2 else limit
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n ") if cut < limit else rest[cut:]
    return [*pieces, rest] if rest or not pieces else pieces


def _text(piece: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": piece, "preview_url": False}}


def _messages(answer: Answer) -> list[dict[str, Any]]:
    """The messages an answer takes: its text (and link buttons as lines) in pieces, the action buttons as a list
    message carrying the last piece."""
    buttons = [button for row in answer.buttons for button in row]
    links = [f"{b.label}: {b.url}" for b in buttons if b.url]
    rows = [ListRow(b.action, b.label) for b in buttons if b.action and not b.url]
    text = "\n\n".join([answer.text, "\n".join(links)]) if links else answer.text
    if not rows:
        return [_text(piece) for piece in split_text(text or " ")]
    *before, last = split_text(text or "Choose:")
    return [*(_text(piece) for piece in before), _list(last, "Choose", rows)]


def _list(body: str, button: str, rows: Sequence[ListRow]) -> dict[str, Any]:
    section_rows = [
        {
            "id": row.id[:200],
            "title": row.title[:24],
            **({"description": row.description[:72]} if row.description else {}),
        }
        for row in rows[:LIST_ROWS]
    ]
    interactive = {
        "type": "list",
        "body": {"text": body[:TEXT_LIMIT]},
        "action": {"button": button[:20], "sections": [{"title": button[:24], "rows": section_rows}]},
    }
    return {"type": "interactive", "interactive": interactive}


def _recipient(to: str) -> dict[str, str]:
    """A phone number goes in `to`; a business-scoped user id (`CC.digits`) in `recipient`."""
    return {"recipient": to} if "." in to else {"to": to}


class GraphWhatsAppApi(WhatsAppApi):
    def __init__(self, settings: GraphSettings, client: httpx.AsyncClient | None = None) -> None:
        self._settings = settings
        self._client = client or httpx.AsyncClient(timeout=settings.timeout_seconds, follow_redirects=True)

    def _url(self, path: str) -> str:
        return f"{self._settings.api_base.rstrip('/')}/{self._settings.api_version}/{path.lstrip('/')}"

    async def send_text(self, account: WhatsAppAccount, to: str, text: str) -> list[str]:
        ids = []
        for piece in split_text(text or " "):
            ids.append(await self._send(account, to, _text(piece)))
        return ids

    async def send_answer(
        self, account: WhatsAppAccount, to: str, answer: Answer, *, delivered: int = 0, on_sent: PartSent | None = None
    ) -> list[str]:
        ids = []
        for message in _messages(answer)[delivered:]:
            ids.append(await self._send(account, to, message))
            if on_sent is not None:
                await on_sent(ids[-1])
        return ids

    async def send_list(
        self, account: WhatsAppAccount, to: str, body: str, button: str, rows: Sequence[ListRow]
    ) -> str:
        return await self._send(account, to, _list(body, button, rows))

    async def _send(self, account: WhatsAppAccount, to: str, message: dict[str, Any]) -> str:
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", **_recipient(to), **message}
        url = self._url(f"{account.phone_number_id}/messages")

        async def attempt() -> str:
            response = await self._client.post(url, json=payload, headers=_auth(account))
            data = _json(response)
            if response.status_code >= 400:
                raise fault_from(response.status_code, data)
            try:
                return str(data["messages"][0]["id"])
            except (KeyError, IndexError, TypeError):
                raise WhatsAppSendFailed("WhatsApp answered a send without a message id") from None

        return await self._retrying(attempt)

    async def fetch_media(
        self, account: WhatsAppAccount, media_id: str, *, allowed_types: Sequence[str], max_bytes: int
    ) -> MediaFile:
        async def describe() -> dict[str, Any]:
            response = await self._client.get(self._url(media_id), headers=_auth(account))
            data = _json(response)
            if response.status_code >= 400:
                raise fault_from(response.status_code, data)
            return data if isinstance(data, dict) else {}

        info = await self._retrying(describe)
        mime = str(info.get("mime_type") or "").split(";")[0].strip().lower()
        _check(mime, info.get("file_size"), allowed_types, max_bytes)
        url = info.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise WhatsAppSendFailed("WhatsApp described the media without a download URL")

        async def download() -> bytes:
            async with self._client.stream("GET", url, headers=_auth(account)) as response:
                if response.status_code >= 400:
                    raise fault_from(response.status_code, _json_bytes(await response.aread()))
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data.extend(chunk)
                    if len(data) > max_bytes:
                        raise MediaRejected(f"the image is larger than the {max_bytes} bytes allowed")
                return bytes(data)

        return MediaFile(mime, await self._retrying(download))

    async def _retrying(self, attempt: Callable[[], Awaitable[_T]]) -> _T:
        retries = self._settings.max_retries
        for number in range(retries + 1):
            try:
                return await attempt()
            except httpx.TransportError as error:
                fault: WhatsAppSendFailed = WhatsAppSendFailed(f"WhatsApp is unreachable: {type(error).__name__}")
            except WhatsAppSendFailed as error:
                fault = error
            if not fault.retryable or number == retries:
                raise fault
            ceiling = self._settings.backoff_seconds * 2.0**number
            await asyncio.sleep(ceiling / 2 + random.random() * ceiling / 2)
        raise AssertionError("unreachable")

    async def aclose(self) -> None:
        await self._client.aclose()


def _check(mime: str, size: object, allowed_types: Sequence[str], max_bytes: int) -> None:
    if mime not in allowed_types:
        raise MediaRejected(f"images of type {mime or 'unknown'!r} are not accepted (use {', '.join(allowed_types)})")
    if isinstance(size, int | str) and str(size).isdigit() and int(size) > max_bytes:
        raise MediaRejected(f"the image is {int(size)} bytes, more than the {max_bytes} allowed")


def _auth(account: WhatsAppAccount) -> dict[str, str]:
    return {"Authorization": f"Bearer {account.access_token}"}


def _json(response: httpx.Response) -> Any:
    return _json_bytes(response.content)


def _json_bytes(content: bytes) -> Any:
    try:
        return json.loads(content) if content else {}
    except ValueError:
        return {}
