"""Meta's webhook payloads (`whatsapp_business_account`) as inbound messages and delivery statuses.

A message names its person by the business-scoped user id (`from_user_id`, or the contact's `user_id`) when Meta
sends one, else by `wa_id`; it is answered at the `wa_id` when known, else at the BSUID. Parts of a payload that
are not messages or statuses (other fields, unknown shapes) are skipped, never an error.
"""

from __future__ import annotations

import json
from typing import Any

from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.whatsapp import DeliveryState, DeliveryStatus, InboundKind, InboundWhatsApp

STATES = {state.value: state for state in DeliveryState}


def parse_webhook(body: bytes) -> tuple[list[InboundWhatsApp], list[DeliveryStatus]]:
    try:
        payload = json.loads(body)
    except ValueError:
        raise InvalidInput("the webhook body is not JSON") from None
    messages: list[InboundWhatsApp] = []
    statuses: list[DeliveryStatus] = []
    for value in _values(payload):
        contacts = [c for c in value.get("contacts") or [] if isinstance(c, dict)]
        for item in value.get("messages") or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found = _message(item, contacts)
                if found is not None:
                    messages.append(found)
        for item in value.get("statuses") or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str) and item.get("status") in STATES:
                statuses.append(_status(item))
    return messages, statuses


def _values(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict):
        return []
    values = []
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            if isinstance(change, dict) and isinstance(change.get("value"), dict):
                values.append(change["value"])
    return values


def _contact(wa_id: str, bsuid: str, contacts: list[dict[str, Any]]) -> dict[str, Any]:
    for contact in contacts:
        if (wa_id and contact.get("wa_id") == wa_id) or (bsuid and contact.get("user_id") == bsuid):
            return contact
    return contacts[0] if len(contacts) == 1 else {}


def _message(item: dict[str, Any], contacts: list[dict[str, Any]]) -> InboundWhatsApp | None:
    wa_id = str(item.get("from") or "")
    bsuid = str(item.get("from_user_id") or "")
    contact = _contact(wa_id, bsuid, contacts)
    bsuid = bsuid or str(contact.get("user_id") or "")
    wa_id = wa_id or str(contact.get("wa_id") or "")
    person, reply_to = bsuid or wa_id, wa_id or bsuid
    if not person:
        return None
    name = str((contact.get("profile") or {}).get("name") or "")
    base = {"message_id": item["id"], "person": person, "reply_to": reply_to, "name": name}
    kind = item.get("type")
    if kind == "text":
        return InboundWhatsApp(kind=InboundKind.TEXT, text=str((item.get("text") or {}).get("body") or ""), **base)
    if kind == "image":
        image = item.get("image") or {}
        return InboundWhatsApp(
            kind=InboundKind.IMAGE,
            text=str(image.get("caption") or ""),
            media_id=str(image.get("id") or "") or None,
            mime_type=str(image.get("mime_type") or "") or None,
            **base,
        )
    if kind in ("interactive", "button"):
        chosen = _choice(item)
        if chosen is not None:
            return InboundWhatsApp(kind=InboundKind.CHOICE, choice=chosen[0], text=chosen[1], **base)
    return InboundWhatsApp(kind=InboundKind.UNSUPPORTED, **base)


def _choice(item: dict[str, Any]) -> tuple[str, str] | None:
    """(row or button id, its title) of an interactive reply, or of a template's quick-reply button."""
    interactive = item.get("interactive") or {}
    for key in ("list_reply", "button_reply"):
        reply = interactive.get(key)
        if isinstance(reply, dict) and reply.get("id"):
            return str(reply["id"]), str(reply.get("title") or "")
    button = item.get("button") or {}
    if isinstance(button, dict) and button.get("payload"):
        return str(button["payload"]), str(button.get("text") or "")
    return None


def _status(item: dict[str, Any]) -> DeliveryStatus:
    errors = [e for e in item.get("errors") or [] if isinstance(e, dict)]
    code = str(errors[0].get("code")) if errors and errors[0].get("code") is not None else None
    title = str(errors[0].get("title") or errors[0].get("message") or "")[:200] if errors else None
    return DeliveryStatus(item["id"], STATES[item["status"]], code, title)
