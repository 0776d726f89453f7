"""Row <-> entity for what calls leave behind: conversations, messages, usage records, audit entries, and the
JSON shapes of quota counter keys (in reservations and in the charges a usage record carries)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from promptsaas.adapters.persistence.sqlalchemy.mapping import Row
from promptsaas.domain.audit import AuditEntry
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import Conversation, ImagePart, Message, Part, Role, TextPart
from promptsaas.domain.plans import Metric, Window
from promptsaas.domain.quota import CounterKey, ReservationItem
from promptsaas.domain.replies import FinishReason
from promptsaas.domain.usage import Funding, Outcome, UsageRecord


def conversation_row(c: Conversation) -> dict[str, Any]:
    return {
        "tenant_id": c.tenant_id,
        "id": c.id,
        "user_id": c.user_id,
        "agent_id": c.agent_id,
        "channel": c.channel.value,
        "title": c.title,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def conversation_of(r: Row) -> Conversation:
    return Conversation(
        id=r["id"],
        tenant_id=r["tenant_id"],
        user_id=r["user_id"],
        agent_id=r["agent_id"],
        channel=Channel(r["channel"]),
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        title=r["title"],
    )


def message_row(m: Message) -> dict[str, Any]:
    return {
        "tenant_id": m.tenant_id,
        "id": m.id,
        "conversation_id": m.conversation_id,
        "role": m.role.value,
        "parts": [_part_json(p) for p in m.parts],
        "input_tokens": m.input_tokens,
        "output_tokens": m.output_tokens,
        "created_at": m.created_at,
        "finish_reason": m.finish_reason.value if m.finish_reason else None,
    }


def message_of(r: Row) -> Message:
    return Message(
        r["id"],
        r["tenant_id"],
        r["conversation_id"],
        Role(r["role"]),
        tuple(_part_of(p) for p in r["parts"]),
        r["created_at"],
        r["input_tokens"],
        r["output_tokens"],
        FinishReason(r["finish_reason"]) if r["finish_reason"] else None,
    )


def _part_json(part: Part) -> dict[str, Any]:
    if isinstance(part, TextPart):
        return {"type": "text", "text": part.text}
    return {"type": "image", "mime_type": part.mime_type, "url": part.url, "data": part.data}


def _part_of(d: dict[str, Any]) -> Part:
    if d["type"] == "text":
        return TextPart(d["text"])
    return ImagePart(d["mime_type"], d["url"], d["data"])


_RECORD_ENUMS = {"channel": Channel, "funding": Funding, "outcome": Outcome, "finish_reason": FinishReason}
_RECORD_COLUMNS = tuple(UsageRecord.__dataclass_fields__)


def usage_row(record: UsageRecord, charges: Mapping[CounterKey, int] | None = None) -> dict[str, Any]:
    """The record's columns, plus the counters it charged (what a rebuild of the counters sums up)."""
    row = {name: getattr(record, name) for name in _RECORD_COLUMNS}
    for name in _RECORD_ENUMS:
        row[name] = None if row[name] is None else row[name].value
    row["charges"] = None if charges is None else charges_json(charges)
    return row


def usage_of(r: Row) -> UsageRecord:
    values = {name: r[name] for name in _RECORD_COLUMNS}
    for name, kind in _RECORD_ENUMS.items():
        values[name] = None if values[name] is None else kind(values[name])
    return UsageRecord(**values)


def audit_row(e: AuditEntry) -> dict[str, Any]:
    return {name: getattr(e, name) for name in AuditEntry.__dataclass_fields__}


def audit_of(r: Row) -> AuditEntry:
    return AuditEntry(**{name: r[name] for name in AuditEntry.__dataclass_fields__})


def key_json(key: CounterKey) -> list[Any]:
    return [key.subscription_id, key.metric.value, key.window.value, key.window_start.isoformat()]


def key_of(data: list[Any]) -> CounterKey:
    return CounterKey(data[0], Metric(data[1]), Window(data[2]), datetime.fromisoformat(data[3]))


def charges_json(charges: Mapping[CounterKey, int]) -> list[list[Any]]:
    return [[*key_json(key), amount] for key, amount in charges.items()]


def charges_of(data: Iterable[list[Any]] | None) -> dict[CounterKey, int]:
    return {key_of(entry[:4]): int(entry[4]) for entry in data or ()}


def items_json(items: Iterable[ReservationItem]) -> list[list[Any]]:
    return [[*key_json(item.key), item.amount, item.limit] for item in items]


def items_of(data: Iterable[list[Any]]) -> tuple[ReservationItem, ...]:
    return tuple(ReservationItem(key_of(entry[:4]), int(entry[4]), entry[5]) for entry in data)


def counter_key_of(r: Row) -> CounterKey:
    return CounterKey(r["subscription_id"], Metric(r["metric"]), Window(r["window"]), r["window_start"])


def counter_key_row(tenant_id: str, key: CounterKey) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "subscription_id": key.subscription_id,
        "metric": key.metric.value,
        "window": key.window.value,
        "window_start": key.window_start,
    }
