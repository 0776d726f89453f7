"""How far behind the webhook inboxes are, measured when an operator looks (a scrape of `/metrics`), so the gauges
are right whichever process applies the events."""

from __future__ import annotations

from promptsaas.application.ports.call_metrics import CallMetrics, InboxBacklog
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.ports.whatsapp_store import WhatsAppStore


class InboxBacklogs:
    def __init__(self, uow: UnitOfWorkFactory, whatsapp: WhatsAppStore, metrics: CallMetrics, clock: Clock) -> None:
        self._uow = uow
        self._whatsapp = whatsapp
        self._metrics = metrics
        self._clock = clock

    async def show(self) -> dict[str, InboxBacklog]:
        """Each inbox's waiting updates (`billing`: payment webhooks, `telegram`: bot updates by webhook,
        `whatsapp`: messages), set on the gauges."""
        async with self._uow() as uow:
            billing, telegram = await uow.billing.backlog(), await uow.updates.backlog()
        backlogs = {"billing": billing, "telegram": telegram, "whatsapp": await self._whatsapp.backlog()}
        now = self._clock.now()
        for inbox, backlog in backlogs.items():
            self._metrics.show_backlog(inbox, backlog, now)
        return backlogs
