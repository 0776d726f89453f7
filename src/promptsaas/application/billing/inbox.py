"""The webhook inbox: an event is stored in the transaction that answers 2xx, then applied exactly once.

Applying claims the pending row with a conditional UPDATE in the transaction that makes the event's changes, so
duplicates delivered at once change state once, and a worker dying in between leaves the event pending for the
next start (`apply_pending`) or the retry loop. The provider's current subscription is fetched before the
transaction, so the state follows the provider whatever order its events arrive in.

An event that can never change anything here (another tenant's, one naming an object the provider does not have)
is settled as `ignored`; one that failed for a while (the provider down, a network error) stays pending, due again
after a backoff, so events that keep failing never hold back the others.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

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
from promptsaas.domain.billing import PaymentObjectMissing, PaymentOperationUnsupported, WebhookRejected
from promptsaas.domain.errors import DomainError

log = logging.getLogger(__name__)

RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)


def next_attempt(now: datetime, attempts: int) -> datetime:
    """When an event that failed `attempts` times is due again: 30 s after the first failure, doubling, at most
    an hour apart (Stripe itself retries an unanswered delivery for three days)."""
    backoff: timedelta = min(RETRY_BASE * 2 ** min(max(attempts - 1, 0), 16), RETRY_CAP)
    return now + backoff


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
        await self._attempt(tenant.id, provider, event.event_id)
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
        await self._attempt(tenant_id, event.provider, event.event_id)
        return stored

    async def apply(self, tenant_id: str, provider: str, event_id: str) -> bool:
        """Apply a pending event, or settle it as ignored when it can change nothing here; True for the one call
        that did. Raises when it failed for a while (the provider down): the event stays pending."""
        adapter = self._billing.providers.get(provider)
        async with self._billing.uow() as uow:
            entry = await uow.billing.event(tenant_id, provider, event_id)
            if entry is None or entry.status is not InboxStatus.PENDING:
                return False
            credentials = await self._billing.accounts.credentials(uow, tenant_id, provider)
        try:
            event = adapter.parse_stored(entry.payload)
        except WebhookRejected as unreadable:
            return await self._settle(tenant_id, provider, event_id, unreadable.message)
        if event.tenant_id is not None and event.tenant_id != tenant_id:
            return await self._settle(tenant_id, provider, event_id, "another tenant's event")
        try:
            current = await self._current(adapter, credentials, event)
        except PaymentObjectMissing as missing:
            note = f"{provider} has no subscription {subscription_ref(event)} ({missing.message}): nothing applied"
            return await self._settle(tenant_id, provider, event_id, note)
        async with self._billing.uow() as uow:
            now = self._billing.clock.now()
            if not await uow.billing.claim_event(tenant_id, provider, event_id, InboxStatus.APPLIED, now, None):
                return False
            effects = EventEffects(uow, self._billing.audit, self._billing.clock, self._billing.ids)
            note = await effects.apply(tenant_id, event, current)
            await uow.billing.annotate_event(tenant_id, provider, event_id, note)
            await uow.commit()
        return True

    async def _settle(self, tenant_id: str, provider: str, event_id: str, note: str) -> bool:
        """Record as ignored an event that can never change anything here: kept in the inbox, never retried."""
        async with self._billing.uow() as uow:
            now = self._billing.clock.now()
            if not await uow.billing.claim_event(tenant_id, provider, event_id, InboxStatus.IGNORED, now, note[:500]):
                return False
            await uow.commit()
        return True

    async def _attempt(self, tenant_id: str, provider: str, event_id: str) -> bool:
        """Apply an event; when that fails, count the attempt and put the event off (it stays pending)."""
        try:
            return await self.apply(tenant_id, provider, event_id)
        except (DomainError, OSError) as error:
            reason = str(getattr(error, "message", error))
            log.warning("billing event %s left pending: %s", event_id, reason)
        except Exception as error:  # a bug must not wedge the retry pass: logged whole, put off like the others
            reason = f"{type(error).__name__}: {error}"
            log.exception("billing event %s left pending", event_id)
        async with self._billing.uow() as uow:
            entry = await uow.billing.event(tenant_id, provider, event_id)
            if entry is not None and entry.status is InboxStatus.PENDING:
                later = next_attempt(self._billing.clock.now(), entry.attempts + 1)
                await uow.billing.postpone_event(tenant_id, provider, event_id, later, reason)
                await uow.commit()
        return False

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
        """Apply the pending events that are due (at start-up, and by the retry loop), longest due first; how many
        were applied or settled. One that fails again is put off, so the next pass reaches the ones behind it."""
        async with self._billing.uow() as uow:
            pending = await uow.billing.pending_events(self._billing.clock.now(), limit)
        applied = 0
        for entry in pending:
            applied += await self._attempt(entry.tenant_id, entry.provider, entry.event_id)
        return applied
