"""What a member does with billing: start a checkout for a plan and interval (or a pack), open the provider's
portal, cancel at period end or resume. Nothing is stored until the provider's events say it happened, so a session
already paid is never handed out again (its purchase is being confirmed)."""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass, replace

from promptsaas.application.billing.context import BillingContext
from promptsaas.application.billing.packs import is_pack_holding
from promptsaas.application.billing.sync import apply_snapshot
from promptsaas.application.lookups import plan_by_code, user_by_id
from promptsaas.application.ports.payments import (
    BillingReference,
    CheckoutRequest,
    CheckoutSession,
    CheckoutStatus,
    PaymentProvider,
    ProviderCredentials,
)
from promptsaas.application.ports.unit_of_work import UnitOfWork
from promptsaas.domain.billing import (
    BillingNotConfigured,
    Interval,
    PackNotCancelable,
    PaymentBeingConfirmed,
    PlanNotPurchasable,
)
from promptsaas.domain.errors import NotFound
from promptsaas.domain.plans import Plan, PlanStatus
from promptsaas.domain.subscriptions import Subscription


@dataclass(frozen=True, slots=True)
class BillingUrls:
    success_url: str = "http://localhost:8000/billing/success"
    cancel_url: str = "http://localhost:8000/billing/cancel"
    portal_return_url: str = "http://localhost:8000/"


def _price_of(plan: Plan, interval: Interval | None) -> tuple[int, str | None]:
    """The amount and the stored provider price id a checkout of `plan` charges."""
    if plan.status is not PlanStatus.ACTIVE:
        raise PlanNotPurchasable(f"plan {plan.code!r} is archived", field="plan")
    price = plan.price
    if plan.is_pack:
        if interval is not None:
            raise PlanNotPurchasable(f"{plan.code!r} is a pack, bought once: send no interval", field="interval")
        amount, key = (price.once if price else None), "stripe_once"
    else:
        if interval is None:
            raise PlanNotPurchasable(f"plan {plan.code!r} needs an interval: month or year", field="interval")
        amount = (price.monthly if interval is Interval.MONTH else price.yearly) if price else None
        key = f"stripe_{'monthly' if interval is Interval.MONTH else 'yearly'}"
    if not amount:
        what = (
            "free" if price is None or not any((price.monthly, price.yearly, price.once)) else f"not sold {interval}ly"
        )
        raise PlanNotPurchasable(f"plan {plan.code!r} is {what}", field="plan")
    return amount, price.provider_id(key) if price else None


def checkout_idempotency_key(request: CheckoutRequest, purchases: int, hour: int) -> str:
    """The same purchase attempt, retried within the hour, gets the same session: the key hashes every parameter
    sent (so a changed customer, price or trial never reuses a key with other parameters, which Stripe refuses) and
    how many purchases of the plan the user has completed (so buying again after a purchase is a new session)."""
    seed = repr((astuple(replace(request, idempotency_key="")), purchases, hour))
    return "checkout-" + hashlib.sha256(seed.encode()).hexdigest()[:40]


async def _purchases_of(uow: UnitOfWork, tenant_id: str, user_id: str, plan_code: str, provider: str) -> int:
    """The user's completed purchases of the plan through the provider: each made one subscription or holding."""
    held = await uow.subscriptions.list_for_user(tenant_id, user_id)
    return sum(1 for s in held if s.plan_code == plan_code and s.provider == provider)


async def _open_session(
    provider: PaymentProvider, credentials: ProviderCredentials, request: CheckoutRequest, product: str
) -> CheckoutSession:
    """The attempt's session when it is still to pay. One the user has paid since (its purchase counts once the
    provider's event arrives) is `PaymentBeingConfirmed`, not a page to pay again; an expired one is replaced."""
    session = await provider.start_checkout(credentials, request)
    while session.reused:
        current = await provider.fetch_checkout(credentials, session.id)
        if current.status is CheckoutStatus.OPEN:
            return current
        if current.status is CheckoutStatus.COMPLETE:
            raise PaymentBeingConfirmed(
                f"your payment for {product} was received and is being confirmed: it shows in your account in a"
                " moment, with nothing more to pay"
            )
        seed = f"{request.idempotency_key}:after:{session.id}"
        request = replace(request, idempotency_key="checkout-" + hashlib.sha256(seed.encode()).hexdigest()[:40])
        session = await provider.start_checkout(credentials, request)
    return session


class CheckoutService:
    def __init__(self, billing: BillingContext, urls: BillingUrls) -> None:
        self._billing = billing
        self._urls = urls

    async def sells_online(self, tenant_id: str, provider: str = "stripe") -> bool:
        """Whether a checkout can start: the tenant (or the deployment) has the provider's keys."""
        async with self._billing.uow() as uow:
            try:
                await self._billing.accounts.credentials(uow, tenant_id, provider)
            except BillingNotConfigured:
                return False
        return True

    async def checkout(
        self, tenant_id: str, user_id: str, plan_code: str, interval: Interval | None, provider: str = "stripe"
    ) -> CheckoutSession:
        async with self._billing.uow() as uow:
            user = await user_by_id(uow, tenant_id, user_id)
            plan = await plan_by_code(uow, tenant_id, plan_code)
            amount, price_id = _price_of(plan, interval)
            customer = await uow.billing.customer_id(tenant_id, provider, user_id)
            bought = await _purchases_of(uow, tenant_id, user_id, plan.code, provider)
            credentials = await self._billing.accounts.credentials(uow, tenant_id, provider)
        request = CheckoutRequest(
            BillingReference(tenant_id, user_id, plan.code),
            interval,
            price_id,
            amount,
            plan.price.currency if plan.price else "usd",
            plan.name,
            customer,
            user.email,
            plan.trial_days if interval is not None else 0,
            self._urls.success_url,
            self._urls.cancel_url,
            "",
        )
        hour = int(self._billing.clock.now().timestamp()) // 3600
        request = replace(request, idempotency_key=checkout_idempotency_key(request, bought, hour))
        return await _open_session(self._billing.providers.get(provider), credentials, request, plan.name)

    async def portal(self, tenant_id: str, user_id: str, provider: str = "stripe") -> str:
        async with self._billing.uow() as uow:
            customer = await uow.billing.customer_id(tenant_id, provider, user_id)
            if customer is None:
                raise NotFound("billing_customer", user_id)
            credentials = await self._billing.accounts.credentials(uow, tenant_id, provider)
        return await self._billing.providers.get(provider).open_portal(
            credentials, customer, self._urls.portal_return_url
        )

    async def set_cancel_at_period_end(
        self, tenant_id: str, user_id: str, subscription_id: str, cancel: bool
    ) -> Subscription:
        """Cancel at the period's end (or resume); the provider's answer is applied at once, audited."""
        async with self._billing.uow() as uow:
            sub = await uow.subscriptions.get(tenant_id, subscription_id)
            if sub is None or sub.user_id != user_id or sub.provider_ref is None or sub.provider == "manual":
                raise NotFound("subscription", subscription_id)
            if await is_pack_holding(uow, sub):
                raise PackNotCancelable(
                    f"{sub.plan_code!r} is a pack, bought once: it does not renew, so there is nothing to "
                    f"{'cancel' if cancel else 'resume'}; it lasts until it expires or is used up"
                )
            credentials = await self._billing.accounts.credentials(uow, tenant_id, sub.provider)
        snapshot = await self._billing.providers.get(sub.provider).set_cancel_at_period_end(
            credentials, sub.provider_ref, cancel
        )
        async with self._billing.uow() as uow:
            now = self._billing.clock.now()
            updated = await apply_snapshot(
                uow, self._billing.audit, tenant_id, sub.provider, snapshot, now, sub.id, user_id
            )
            await uow.commit()
        return updated or sub
