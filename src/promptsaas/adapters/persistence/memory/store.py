"""The in-memory database: tables as dicts, with an undo journal so a unit of work can roll back."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from promptsaas.domain.quota import Counter, CounterKey, Reservation

_ABSENT = object()


@dataclass
class Journal:
    """Previous values of every row a unit of work touched, replayed backwards on rollback."""

    entries: list[tuple[dict[Any, Any], Any, Any]] = field(default_factory=list)

    def undo(self) -> None:
        for table, key, old in reversed(self.entries):
            if old is _ABSENT:
                table.pop(key, None)
            else:
                table[key] = old
        self.entries.clear()


class Table:
    """Rows by key; reads hand out copies so callers cannot change stored rows behind the unit of work."""

    def __init__(self) -> None:
        self.rows: dict[Any, Any] = {}

    def get(self, key: Any) -> Any:
        row = self.rows.get(key)
        return copy.deepcopy(row) if row is not None else None

    def values(self) -> list[Any]:
        return [copy.deepcopy(r) for r in self.rows.values()]

    def put(self, journal: Journal, key: Any, row: Any) -> None:
        journal.entries.append((self.rows, key, self.rows.get(key, _ABSENT)))
        self.rows[key] = copy.deepcopy(row)

    def delete(self, journal: Journal, key: Any) -> None:
        if key in self.rows:
            journal.entries.append((self.rows, key, self.rows[key]))
            del self.rows[key]


@dataclass
class MemoryStore:
    tenants: Table = field(default_factory=Table)
    users: Table = field(default_factory=Table)
    identities: Table = field(default_factory=Table)
    agents: Table = field(default_factory=Table)
    versions: Table = field(default_factory=Table)
    plans: Table = field(default_factory=Table)
    subscriptions: Table = field(default_factory=Table)
    models: Table = field(default_factory=Table)
    conversations: Table = field(default_factory=Table)
    messages: Table = field(default_factory=Table)
    usage: Table = field(default_factory=Table)
    denials: Table = field(default_factory=Table)
    audit: Table = field(default_factory=Table)
    refresh_tokens: Table = field(default_factory=Table)
    api_keys: Table = field(default_factory=Table)
    provider_keys: Table = field(default_factory=Table)
    billing: Table = field(default_factory=Table)
    chats: Table = field(default_factory=Table)
    link_codes: Table = field(default_factory=Table)
    channel_secrets: Table = field(default_factory=Table)
    updates: Table = field(default_factory=Table)
    counters: dict[tuple[str, CounterKey], Counter] = field(default_factory=dict)
    reservations: dict[str, Reservation] = field(default_factory=dict)
    charges: dict[tuple[str, str], dict[CounterKey, int]] = field(default_factory=dict)
    """The counters each settled usage record charged, by (tenant, record id)."""
    idempotency: dict[tuple[str, str], tuple[str, datetime, dict[str, Any] | None]] = field(default_factory=dict)
    """Idempotency-Key entries by (tenant, scope): (fingerprint, held until, answer); see `MemoryIdempotencyStore`."""
