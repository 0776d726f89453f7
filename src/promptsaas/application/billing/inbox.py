"""The webhook inbox: an event is stored in the transaction that answers 2xx, then applied exactly once.

Applying claims the pending row with a conditional UPDATE in the transaction that makes the event's changes, so
duplicates delivered at once change state once, and a worker dying in between leaves the event pending for the
next start (`apply_pending`) or the retry loop. The provider's current subscription is fetched before the
transaction, so the state follows the provider whatever order its events arrive in.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from promptsaas.application.billing.context import BillingContext
from promptsaas.application.billing.events import EventEffects, subscription_ref
from promptsaas.application.lookups import tenant_by_slug
from promptsaas.application.ports.billing_store import InboxEntry, InboxStatus
from promptsaas.application.ports.payments import (
    BillingEvent,
    PaymentProvider,
    ProviderCredentials,
    ProviderSubscription,
)
from promptsaas.domain.billing import PaymentOperationUnsupported
from promptsaas.domain.errors import DomainError

log = logging.getLogger(__name__)


class BillingInbox:
    def __init__(self, billing: BillingContext) -> None:
        self._billing = billing

    async def receive(self, tenant_slug: str, provider: str, payload: bytes, headers: Mapping[str, str]) -> bool:
        """Verify and store one delivery (raises `WebhookRejected`, storing nothing); then try to apply it.
        True when the event is new. Once this returns, the event is durable whatever happens to applying it."""
        adapter = self._billing.providers.get(provider)
        async with self._billing.uow() as uow:
            tenant = await tenant_by_slug(uow, tenant_slug)
            credentials = await self._billing.accounts.credentials(uow, tenant.id, provider)
            event = adapter.parse_webhook(credentials, payload, headers)
            entry = InboxEntry(
                tenant.id,
                provider,
                event.event_id,
                event.type[:64],
                payload,
                InboxStatus.PENDING,
                self._billing.clock.now(),
            )
            stored = await uow.billing.store_event(entry)
            await uow.commit()
        try:
            await self.apply(tenant.id, provider, event.event_id)
        except (DomainError, OSError) as error:  # stays pending: the retry loop applies it
            log.warning("billing event %s left pending: %s", event.event_id, getattr(error, "message", error))
        return stored

    async def record(self, tenant_id: str, event: BillingEvent) -> bool:
        """Store and apply an event that needs no verifying (a payment a bot update reported, a refund made through
        the provider's API); True when it is new. The same event recorded again changes nothing."""
        entry = InboxEntry(
            tenant_id,
            event.provider,
            event.event_id,
            event.type[:64],
            event.payload,
            InboxStatus.PENDING,
            self._billing.clock.now(),
        )
        async with self._billing.uow() as uow:
            stored = await uow.billing.store_event(entry)
            await uow.commit()
        try:
            await self.apply(tenant_id, event.provider, event.event_id)
        except (DomainError, OSError) as error:  # stays pending: the retry loop applies it
            log.warning("billing event %s left pending: %s", event.event_id, getattr(error, "message", error))
        return stored

    async def apply(self, tenant_id: str, provider: str, event_id: str) -> bool:
        """Apply a pending event; True for the one call that applied it."""
        adapter = self._billing.providers.get(provider)
        async with self._billing.uow() as uow:
            entry = await uow.billing.event(tenant_id, provider, event_id)
            if entry is None or entry.status is not InboxStatus.PENDING:
                return False
            credentials = await self._billing.accounts.credentials(uow, tenant_id, provider)
        event = adapter.parse_stored(entry.payload)
        foreign = event.tenant_id is not None and event.tenant_id != tenant_id
        current = None if foreign else await self._current(adapter, credentials, event)
        async with self._billing.uow() as uow:
            status = InboxStatus.IGNORED if foreign else InboxStatus.APPLIED
            note = "another tenant's event" if foreign else None
            if not await uow.billing.claim_event(
                tenant_id, provider, event_id, status, self._billing.clock.now(), note
            ):
                return False
            if not foreign:
                effects = EventEffects(uow, self._billing.audit, self._billing.clock, self._billing.ids)
                note = await effects.apply(tenant_id, event, current)
                await uow.billing.annotate_event(tenant_id, provider, event_id, note)
            await uow.commit()
        return True

    async def _current(
        self, adapter: PaymentProvider, credentials: ProviderCredentials, event: BillingEvent
    ) -> ProviderSubscription | None:
        ref = subscription_ref(event)
        if ref is None:
            return None
        try:
            return await adapter.fetch_subscription(credentials, ref)
        except PaymentOperationUnsupported:  # its events carry the whole state (Telegram Stars)
            return None

    async def apply_pending(self, limit: int = 100) -> int:
        """Apply the events left pending (at start-up, and by the retry loop); how many were applied."""
        async with self._billing.uow() as uow:
            pending = await uow.billing.pending_events(limit)
        applied = 0
        for entry in pending:
            try:
                applied += await self.apply(entry.tenant_id, entry.provider, entry.event_id)
            except (DomainError, OSError) as error:
                log.warning("billing event %s still pending: %s", entry.event_id, getattr(error, "message", error))
        return applied
