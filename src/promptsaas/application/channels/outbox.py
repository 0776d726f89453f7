"""Replies a messenger refused for a while are kept and sent again by the `messenger-retries` job, so a person whose
reply hit a network error, a 5xx or a 429 still gets it, once; a refusal that cannot pass (the bot was blocked, a
bad request) is recorded as failed, not retried."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.messenger import SendFailed
from promptsaas.application.ports.outbox import OutboundSenders, OutboxEntry, OutboxState, OutboxStore

log = logging.getLogger("promptsaas.outbox")

MAX_ATTEMPTS = 8
RETRY_BASE = timedelta(seconds=5)
RETRY_CAP = timedelta(minutes=10)
LEASE = timedelta(minutes=2)


def next_try(now: datetime, attempts: int, retry_after: float | None) -> datetime:
    """Exponential backoff from 5 s (capped at 10 min), never sooner than the messenger asked (429 retry_after)."""
    backoff: timedelta = min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP)
    asked = timedelta(seconds=retry_after or 0)
    return now + max(backoff, asked)


class MessengerOutbox:
    def __init__(self, store: OutboxStore, senders: OutboundSenders, clock: Clock, ids: IdGenerator) -> None:
        self._store = store
        self._senders = senders
        self._clock = clock
        self._ids = ids

    async def keep(self, tenant_id: str, provider: str, chat_id: str, failed: SendFailed) -> None:
        """Keep what the messenger did not take: to retry (due after its backoff), or as failed for the record."""
        now = self._clock.now()
        state = OutboxState.PENDING if failed.retry else OutboxState.FAILED
        entry = OutboxEntry(
            tenant_id,
            self._ids.new_id(),
            provider,
            chat_id,
            failed.undelivered,
            now,
            next_try(now, 1, failed.retry_after),
            state,
            error=failed.reason,
            finished_at=None if failed.retry else now,
        )
        await self._store.keep(entry)
        log.warning(
            "a %s reply was refused (%s); %s", provider, failed.reason, "kept to retry" if failed.retry else "dropped"
        )

    async def retry_due(self, now: datetime) -> int:
        """Send every kept reply that is due; how many were handled (sent, put off again, or given up)."""
        claimed = await self._store.claim_due(now, now + LEASE)
        for entry in claimed:
            await self._send(entry)
        return len(claimed)

    async def entries(self, tenant_id: str) -> list[OutboxEntry]:
        return await self._store.entries(tenant_id)

    async def _send(self, entry: OutboxEntry) -> None:
        try:
            await self._senders.send(entry.tenant_id, entry.provider, entry.chat_id, entry.answer)
        except SendFailed as failed:
            await self._failed(entry, failed)
            return
        except Exception as error:  # no token any more, a bug: tried again like a transient failure
            log.exception("sending a kept %s reply failed", entry.provider)
            await self._failed(entry, SendFailed(type(error).__name__, entry.answer, retry=True))
            return
        await self._store.finish(entry.tenant_id, entry.id, OutboxState.SENT, self._clock.now())

    async def _failed(self, entry: OutboxEntry, failed: SendFailed) -> None:
        now = self._clock.now()
        if failed.retry and entry.attempts < MAX_ATTEMPTS:
            later = next_try(now, entry.attempts + 1, failed.retry_after)
            await self._store.retry_later(entry.tenant_id, entry.id, later, failed.undelivered, failed.reason)
            return
        log.warning("a kept %s reply could not be sent: %s", entry.provider, failed.reason)
        await self._store.finish(entry.tenant_id, entry.id, OutboxState.FAILED, now, failed.reason)
