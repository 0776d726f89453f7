"""The tenant handle's billing methods (`AsyncTenant` and `SyncTenant` inherit them): the tenant's Stripe keys,
prices kept at Stripe, reconciliation, revenue, the payments ledger and refunds, and the packs users hold."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from promptsaas.application.access.limits import PackBalance
from promptsaas.application.billing.prices import PriceSynced
from promptsaas.application.billing.reconcile import Reconciliation
from promptsaas.application.billing.revenue import RevenueReport
from promptsaas.domain.billing import Payment
from promptsaas.entrypoints.composition.container import Container
from promptsaas.entrypoints.library_loop import LoopThread

if TYPE_CHECKING:
    from promptsaas.entrypoints.library_tenant import AsyncTenant

ACTOR = "system"


class AsyncTenantBilling:
    _c: Container

    if TYPE_CHECKING:

        async def id(self) -> str: ...

    async def set_stripe_keys(self, secret_key: str, webhook_secret: str | None = None) -> None:
        """The tenant's own Stripe secret key and webhook signing secret: encrypted, never shown again."""
        await self._c.payment_accounts().set_keys(await self.id(), "stripe", secret_key, webhook_secret, ACTOR)

    async def sync_prices(self) -> list[PriceSynced]:
        """Create at Stripe (once, by lookup key) the product and prices of every priced plan and pack that has no
        Stripe price id, and store the ids on the plan; what was stored is returned (empty when nothing was missing)."""
        return await self._c.price_catalog().sync(await self.id(), "stripe", ACTOR)

    async def reconcile_billing(self) -> Reconciliation:
        """Re-read every Stripe subscription the tenant knows and repair ours where they differ (a missed webhook)."""
        return await self._c.billing_reconciler().reconcile(await self.id(), "stripe", ACTOR)

    async def revenue(
        self, *, since: datetime | None = None, until: datetime | None = None, group_by: str = "month"
    ) -> RevenueReport:
        """Charges, refunds and net per currency grouped by `month`, `plan` or `provider`; active paid
        subscriptions and MRR."""
        return await self._c.revenue().report(await self.id(), since, until, group_by)

    async def payments(self, *, since: datetime | None = None, until: datetime | None = None) -> list[Payment]:
        """The payments ledger, oldest first."""
        return await self._c.revenue().payments(await self.id(), since, until)

    async def refund(self, payment_id: str) -> Payment:
        """Refund a charge in full at its provider; the ledger records it when the provider confirms."""
        return await self._c.revenue().refund(await self.id(), payment_id, ACTOR)

    async def packs(self, email: str | None = None) -> list[PackBalance]:
        """The credit packs users hold (one user's, by email), with each limit's remaining balance and the expiry."""
        user_id = (await self._c.admin().user(await self.id(), email)).id if email else None
        return await self._c.access().pack_balances(await self.id(), user_id)


class SyncTenantBilling:
    _loop: LoopThread
    _tenant: AsyncTenant

    def set_stripe_keys(self, secret_key: str, webhook_secret: str | None = None) -> None:
        return self._loop.run(self._tenant.set_stripe_keys(secret_key, webhook_secret))

    def sync_prices(self) -> list[PriceSynced]:
        return self._loop.run(self._tenant.sync_prices())

    def reconcile_billing(self) -> Reconciliation:
        return self._loop.run(self._tenant.reconcile_billing())

    def revenue(
        self, *, since: datetime | None = None, until: datetime | None = None, group_by: str = "month"
    ) -> RevenueReport:
        return self._loop.run(self._tenant.revenue(since=since, until=until, group_by=group_by))

    def payments(self, *, since: datetime | None = None, until: datetime | None = None) -> list[Payment]:
        return self._loop.run(self._tenant.payments(since=since, until=until))

    def refund(self, payment_id: str) -> Payment:
        return self._loop.run(self._tenant.refund(payment_id))

    def packs(self, email: str | None = None) -> list[PackBalance]:
        return self._loop.run(self._tenant.packs(email))
