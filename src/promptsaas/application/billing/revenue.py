"""Revenue from the append-only payments ledger: sums per currency (charges, refunds, net) grouped by month, plan
or provider, active subscriptions and MRR (yearly prices counted as a twelfth a month); refunds through the provider,
each charge's once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from promptsaas.application.billing.context import BillingContext
from promptsaas.application.billing.inbox import BillingInbox
from promptsaas.application.billing.stars import STARS_CURRENCY, STARS_PROVIDER
from promptsaas.application.paging import Page, PageRequest, page_of, time_key
from promptsaas.application.ports.idempotency import IdempotencyStore
from promptsaas.domain.billing import Payment, PaymentAlreadyRefunded, PaymentKind, money_text
from promptsaas.domain.bounds import period
from promptsaas.domain.errors import InvalidInput, NotFound
from promptsaas.domain.plans import Plan
from promptsaas.domain.subscriptions import DEFAULT_PROVIDER, Interval

GROUPS = ("month", "plan", "provider")
REFUND_ASKING = timedelta(minutes=10)
"""How long a refund being asked of its provider holds the charge (a process that died meanwhile lets go after it)."""
REFUND_UNDER_WAY = timedelta(days=3)
"""How long a refund the provider accepted holds the charge: time for its event to reach the ledger (Stripe retries a
webhook for three days), which then says the charge is refunded."""


@dataclass(frozen=True, slots=True)
class RevenueLine:
    group: str
    currency: str
    charges: int
    refunds: int

    @property
    def net(self) -> int:
        return self.charges - self.refunds


@dataclass(frozen=True, slots=True)
class RevenueReport:
    lines: tuple[RevenueLine, ...]
    active_subscriptions: int
    mrr: dict[str, int] = field(default_factory=dict)
    """Monthly recurring revenue per currency, in minor units."""


def _refund_scope(payment_id: str) -> str:
    """The idempotency-store key that holds a charge while its refund is asked and until the ledger lists it."""
    return f"payment-refund:{payment_id}"


def _group(payment: Payment, by: str) -> str:
    if by == "month":
        return payment.created_at.strftime("%Y-%m")
    if by == "plan":
        return payment.plan_code or "-"
    return payment.provider


def monthly_revenue(plan: Plan, interval: Interval | None) -> int:
    """What one subscriber to `plan` brings a month: the yearly price a twelfth a month when billed yearly (or when
    the plan is sold only yearly), else the monthly price."""
    price = plan.price
    if price is None:
        return 0
    if interval is Interval.YEAR or (interval is None and not price.monthly):
        return (price.yearly or 0) // 12
    return price.monthly or 0


class RevenueService:
    def __init__(self, billing: BillingContext, refunds: IdempotencyStore, inbox: BillingInbox | None = None) -> None:
        """`refunds`: where a refund asked of a provider holds its charge, across processes (see `REFUND_UNDER_WAY`)."""
        self._billing = billing
        self._refunds = refunds
        self._inbox = inbox

    async def payments(
        self, tenant_id: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[Payment]:
        async with self._billing.uow() as uow:
            return await uow.billing.payments(tenant_id, since, until)

    async def payments_page(
        self, tenant_id: str, page: PageRequest, since: datetime | None = None, until: datetime | None = None
    ) -> Page[Payment]:
        since, until = period(since, until)
        async with self._billing.uow() as uow:
            rows = await uow.billing.payments(tenant_id, since, until, after=page.after_time(), limit=page.probe)
        return page_of(rows, page, lambda p: time_key(p.created_at, p.id))

    async def report(
        self, tenant_id: str, since: datetime | None = None, until: datetime | None = None, group_by: str = "month"
    ) -> RevenueReport:
        if group_by not in GROUPS:
            raise InvalidInput(f"group_by must be one of {', '.join(GROUPS)}", field="group_by")
        since, until = period(since, until)
        async with self._billing.uow() as uow:
            payments = await uow.billing.payments(tenant_id, since, until)
            subscriptions = await uow.subscriptions.list(tenant_id)
            plans = {p.code: p for p in await uow.plans.list(tenant_id)}
        sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for p in payments:
            sums[(_group(p, group_by), p.currency)][p.kind is PaymentKind.REFUND] += p.amount
        lines = tuple(RevenueLine(g, c, v[0], v[1]) for (g, c), v in sorted(sums.items()))
        now = self._billing.clock.now()
        paying = [s for s in subscriptions if s.is_active(now) and s.provider != DEFAULT_PROVIDER]
        mrr: dict[str, int] = defaultdict(int)
        active = 0
        for sub in paying:
            plan = plans.get(sub.plan_code)
            if plan is None or plan.is_pack:
                continue
            active += 1
            if plan.price is not None and sub.provider == STARS_PROVIDER:
                mrr[STARS_CURRENCY] += plan.price.stars or 0  # a Stars subscription renews every 30 days
            elif plan.price is not None:
                mrr[plan.price.currency] += monthly_revenue(plan, sub.interval)
        return RevenueReport(lines, active, dict(mrr))

    async def refunds_asked(self, tenant_id: str, charges: Iterable[Payment]) -> set[str]:
        """Which of these charges have a refund asked of their provider that the ledger does not list yet."""
        scopes = {_refund_scope(p.id): p.id for p in charges if p.kind is PaymentKind.CHARGE}
        held = await self._refunds.held(tenant_id, scopes, self._billing.clock.now())
        return {scopes[s] for s in held}

    async def refund(self, tenant_id: str, payment_id: str, actor: str) -> Payment:
        """Refund a charge at its provider, once: a charge refunded in full in the ledger, or whose refund was already
        asked (by a concurrent request too), is `PaymentAlreadyRefunded` and the provider is not asked again. The
        provider's refund event records it and revokes a pack (Telegram Stars: and the subscription it paid for)."""
        async with self._billing.uow() as uow:
            payment = await uow.billing.payment(tenant_id, payment_id)
            if payment is None or payment.kind is not PaymentKind.CHARGE:
                raise NotFound("payment", payment_id)
            if await uow.billing.refunded(tenant_id, payment.id) >= payment.amount:
                paid = money_text(payment.amount, payment.currency)
                raise PaymentAlreadyRefunded(f"payment {payment.id!r} ({paid}) is already refunded")
            credentials = await self._billing.accounts.credentials(uow, tenant_id, payment.provider)
        scope, now = _refund_scope(payment.id), self._billing.clock.now()
        if not (await self._refunds.claim(tenant_id, scope, payment.id, now, now + REFUND_ASKING)).claimed:
            raise PaymentAlreadyRefunded(
                f"a refund of payment {payment.id!r} was already requested; it is listed once {payment.provider}"
                " confirms it"
            )
        target = payment.reference if payment.reference and not payment.reference.startswith("cs_") else None
        try:
            refund = await self._billing.providers.get(payment.provider).refund(
                credentials, target or payment.external_id, None, f"refund-{payment.id}"
            )
        except BaseException:
            await self._refunds.release(tenant_id, scope)
            raise
        await self._refunds.complete(tenant_id, scope, {"refund": refund.id}, now + REFUND_UNDER_WAY)
        if refund.event is not None and self._inbox is not None:  # a provider that sends no event of it
            await self._inbox.record(tenant_id, refund.event)
        async with self._billing.uow() as uow:
            await self._billing.audit.record(
                uow, tenant_id, actor, "payment.refund", payment.id, after=f"{payment.amount} {payment.currency}"
            )
            await uow.commit()
        return payment
