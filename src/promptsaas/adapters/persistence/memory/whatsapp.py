"""The WhatsApp channel's store in this process, for the in-memory platform; the same rules as the SQL one."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from promptsaas.application.ports.call_metrics import InboxBacklog
from promptsaas.application.ports.whatsapp_store import (
    OUTBOUND_ACCEPTED,
    InboxEntry,
    InboxState,
    OutboundRecord,
    WhatsAppStore,
    rank_of,
)
from promptsaas.domain.whatsapp import DeliveryStatus, InboundWhatsApp


class MemoryWhatsAppStore(WhatsAppStore):
    def __init__(self) -> None:
        self._inbox: dict[tuple[str, str], tuple[InboxEntry, datetime | None]] = {}
        self._outbound: dict[tuple[str, str], OutboundRecord] = {}
        self._lock = asyncio.Lock()

    async def accept(
        self, tenant_id: str, messages: Sequence[InboundWhatsApp], statuses: Sequence[DeliveryStatus], now: datetime
    ) -> list[str]:
        stored = []
        async with self._lock:
            for message in messages:
                if (tenant_id, message.message_id) not in self._inbox:
                    self._inbox[tenant_id, message.message_id] = (
                        InboxEntry(tenant_id, message, InboxState.PENDING, 0, now),
                        None,
                    )
                    stored.append(message.message_id)
            for status in statuses:
                known = self._outbound.get((tenant_id, status.message_id))
                if known is None or rank_of(known.state) < rank_of(status.state):
                    self._outbound[tenant_id, status.message_id] = OutboundRecord(
                        tenant_id,
                        status.message_id,
                        known.inbound_id if known else None,
                        known.recipient if known else "",
                        status.state.value,
                        status.error_code,
                        now,
                    )
        return stored

    async def claim(self, tenant_id: str, message_id: str, now: datetime, lease_until: datetime) -> InboxEntry | None:
        async with self._lock:
            found = self._inbox.get((tenant_id, message_id))
            if found is None:
                return None
            entry, lease = found
            if entry.state is not InboxState.PENDING or (lease is not None and lease > now):
                return None
            entry = replace(entry, attempts=entry.attempts + 1)
            self._inbox[tenant_id, message_id] = (entry, lease_until)
            return entry

    async def due(self, now: datetime, limit: int = 50) -> list[tuple[str, str]]:
        ready = [
            (entry.received_at, key)
            for key, (entry, lease) in self._inbox.items()
            if entry.state is InboxState.PENDING and (lease is None or lease <= now)
        ]
        return [key for _, key in sorted(ready)[:limit]]

    async def backlog(self) -> InboxBacklog:
        found = [entry.received_at for entry, _ in self._inbox.values() if entry.state is InboxState.PENDING]
        return InboxBacklog(len(found), min(found, default=None))

    async def save_answer(self, tenant_id: str, message_id: str, answer: dict[str, Any]) -> None:
        async with self._lock:
            entry, lease = self._inbox[tenant_id, message_id]
            self._inbox[tenant_id, message_id] = (replace(entry, answer=answer), lease)

    async def finish(
        self,
        tenant_id: str,
        message_id: str,
        state: InboxState,
        sent: Sequence[tuple[str, str]],
        now: datetime,
        *,
        error_code: str | None = None,
        error: str | None = None,
    ) -> None:
        async with self._lock:
            entry, _ = self._inbox[tenant_id, message_id]
            self._inbox[tenant_id, message_id] = (replace(entry, state=state, error_code=error_code, error=error), None)
            for wamid, recipient in sent:
                known = self._outbound.get((tenant_id, wamid))
                self._outbound[tenant_id, wamid] = (
                    replace(known, inbound_id=message_id, recipient=recipient)
                    if known
                    else OutboundRecord(tenant_id, wamid, message_id, recipient, OUTBOUND_ACCEPTED, None, now)
                )

    async def retry_later(self, tenant_id: str, message_id: str, at: datetime, error_code: str, error: str) -> None:
        async with self._lock:
            entry, _ = self._inbox[tenant_id, message_id]
            self._inbox[tenant_id, message_id] = (replace(entry, error_code=error_code, error=error), at)

    async def entries(self, tenant_id: str, limit: int = 50) -> list[InboxEntry]:
        found = [entry for (tenant, _), (entry, _) in self._inbox.items() if tenant == tenant_id]
        return sorted(found, key=lambda e: e.received_at, reverse=True)[:limit]

    async def outbound(self, tenant_id: str, limit: int = 100) -> list[OutboundRecord]:
        found = [record for (tenant, _), record in self._outbound.items() if tenant == tenant_id]
        return sorted(found, key=lambda r: r.updated_at, reverse=True)[:limit]
