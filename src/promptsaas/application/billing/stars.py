"""Selling plans and packs for Telegram Stars inside the bot's chat: the invoice, the pre-checkout check, and each
payment (or refund) the bot reports applied once per `telegram_payment_charge_id` through the billing inbox, so it
lands in the payments ledger and the revenue report like any other provider's."""

from __future__ import annotations

from dataclasses import dataclass

from promptsaas.application.billing.inbox import BillingInbox
from promptsaas.application.ports.chat_payments import PaidInChat
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.messenger import ChatPayment, PaymentAsk
from promptsaas.application.ports.payments import BillingReference, PaymentProviders
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.errors import DomainError
from promptsaas.domain.plans import Plan, PlanStatus

STARS_PROVIDER = "telegram_stars"
STARS_CURRENCY = "xtr"
RENEWAL_SECONDS = 2_592_000
"""Telegram renews a Stars subscription every 30 days, the only period it offers."""
PREFIX = "stars"

STALE = "This invoice is out of date; please open /plans again for a new one."
NOT_YOURS = "This invoice was made for another account; please open /plans yourself."
OFF_SALE = "This plan is no longer on sale; see /plans."


@dataclass(frozen=True, slots=True)
class InvoiceTerms:
    """What an invoice's payload promises: this plan, to this user, for this many Stars."""

    plan_code: str
    user_id: str
    stars: int

    @property
    def payload(self) -> str:
        return f"{PREFIX}:{self.plan_code}:{self.user_id}:{self.stars}"

    @classmethod
    def read(cls, payload: str) -> InvoiceTerms | None:
        prefix, _, rest = payload.partition(":")
        parts = rest.rsplit(":", 2)
        if prefix != PREFIX or len(parts) != 3 or not parts[2].isdigit() or not all(parts[:2]):
            return None
        return cls(parts[0], parts[1], int(parts[2]))


@dataclass(frozen=True, slots=True)
class StarsReceipt:
    applied: bool
    """False for a payment (or refund) already applied: a redelivery changes nothing."""
    plan_name: str | None


def stars_price(plan: Plan) -> int | None:
    """What the plan sells for in Stars, when it is on sale for them."""
    if plan.status is not PlanStatus.ACTIVE or plan.price is None or not plan.price.stars:
        return None
    return plan.price.stars


class StarsSales:
    def __init__(self, uow: UnitOfWorkFactory, providers: PaymentProviders, inbox: BillingInbox, clock: Clock) -> None:
        self._uow = uow
        self._providers = providers
        self._inbox = inbox
        self._clock = clock

    def offer(self, user_id: str, plan: Plan) -> PaymentAsk | None:
        """The invoice for `plan` (a Stars subscription for a plan, one payment for a pack); None without a Stars
        price."""
        stars = stars_price(plan)
        if stars is None:
            return None
        renews = None if plan.is_pack else RENEWAL_SECONDS
        what = "once" if plan.is_pack else "every 30 days, until you cancel"
        return PaymentAsk(
            plan.name[:32],
            f"{plan.name}: {stars} Stars {what}."[:255],
            InvoiceTerms(plan.code, user_id, stars).payload,
            stars,
            STARS_CURRENCY.upper(),
            renews,
        )

    async def check(self, tenant_id: str, user_id: str, payload: str, amount: int, currency: str) -> str | None:
        """Why Telegram must refuse this payment (its pre-checkout), or None to let the person pay."""
        terms = InvoiceTerms.read(payload)
        if terms is None or currency.lower() != STARS_CURRENCY:
            return STALE
        if terms.user_id != user_id:
            return NOT_YOURS
        async with self._uow() as uow:
            plan = await uow.plans.get_by_code(tenant_id, terms.plan_code)
        stars = stars_price(plan) if plan is not None else None
        if stars is None:
            return OFF_SALE
        if not stars == terms.stars == amount:
            return STALE
        return None

    async def receive(self, tenant_id: str, payer: str, payment: ChatPayment) -> StarsReceipt:
        """Apply a payment (or its refund) the bot reported; once per charge, however often it is reported."""
        adapter = self._providers.get(STARS_PROVIDER)
        if not isinstance(adapter, PaidInChat):
            raise DomainError(f"{STARS_PROVIDER} takes no payments in a chat")
        terms = InvoiceTerms.read(payment.payload)
        reference = BillingReference(tenant_id, terms.user_id, terms.plan_code) if terms else None
        subscription_ref = None
        async with self._uow() as uow:
            plan = await uow.plans.get_by_code(tenant_id, terms.plan_code) if terms else None
            if terms and payment.renewal and not payment.refunded:
                subscription_ref = await self._renewed(uow, tenant_id, payer, terms.plan_code)
        paid_for = None if payment.refunded else reference
        event = adapter.payment_event(payer, payment, paid_for, subscription_ref, self._clock.now())
        applied = await self._inbox.record(tenant_id, event)
        return StarsReceipt(applied, plan.name if plan else None)

    async def _renewed(self, uow: UnitOfWork, tenant_id: str, payer: str, plan_code: str) -> str | None:
        """The subscription a renewal pays for: this payer's Stars subscription to the plan (the latest)."""
        mine = [
            s
            for s in await uow.billing.provider_subscriptions(tenant_id, STARS_PROVIDER)
            if s.plan_code == plan_code and (s.provider_ref or "").startswith(f"{payer}:")
        ]
        mine.sort(key=lambda s: s.current_period_start)
        return mine[-1].provider_ref if mine else None
