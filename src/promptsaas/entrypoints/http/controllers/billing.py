"""A member's billing: pay for a plan or a pack on the provider's checkout, manage it in the provider's portal,
cancel at the period's end or resume."""

from __future__ import annotations

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from promptsaas.application.billing.checkout import CheckoutService
from promptsaas.domain.billing import Interval
from promptsaas.entrypoints.http.billing_views import billing_subscription_read
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openapi import SIGNED_IN, problems
from promptsaas.entrypoints.http.parameters import SubscriptionId
from promptsaas.entrypoints.http.schemas.billing import (
    BillingSubscriptionRead,
    CheckoutCreate,
    CheckoutRead,
    PortalRead,
)

PROVIDER_FAULTS = ("payment_provider_unavailable", "billing_not_configured")


class BillingController(MemberController):
    path = "/v1/billing"
    tags = ["billing"]

    @post(
        "/checkout",
        status_code=HTTP_201_CREATED,
        operation_id="startCheckout",
        summary="Start a checkout",
        responses=problems(
            *SIGNED_IN, "plan_not_found", "plan_not_purchasable", "payment_being_confirmed", *PROVIDER_FAULTS
        ),
    )
    async def checkout(
        self,
        checkout: NamedDependency[CheckoutService],
        caller: NamedDependency[Caller],
        data: JSONBody[CheckoutCreate],
    ) -> CheckoutRead:
        """A hosted checkout page for a plan (`interval`: month or year, with the plan's trial) or a pack (no
        interval). The plan is yours once the provider confirms the payment; a retried request gives the same page,
        unless it was paid since (409 while the provider's confirmation is on its way)."""
        interval = Interval(data.interval) if data.interval else None
        session = await checkout.checkout(caller.tenant_id, caller.user.id, data.plan, interval)
        return CheckoutRead(id=session.id, url=session.url)

    @post(
        "/portal",
        status_code=HTTP_200_OK,
        operation_id="openBillingPortal",
        summary="Open the billing portal",
        responses=problems(*SIGNED_IN, "billing_customer_not_found", *PROVIDER_FAULTS),
    )
    async def portal(self, checkout: NamedDependency[CheckoutService], caller: NamedDependency[Caller]) -> PortalRead:
        """The provider's self-service page: payment methods, invoices, plan changes and cancellation."""
        return PortalRead(url=await checkout.portal(caller.tenant_id, caller.user.id))

    @post(
        "/subscriptions/{subscription_id:str}/cancel",
        status_code=HTTP_200_OK,
        operation_id="cancelSubscriptionAtPeriodEnd",
        summary="Cancel at the period's end",
        responses=problems(*SIGNED_IN, "subscription_not_found", "pack_not_cancelable", *PROVIDER_FAULTS),
    )
    async def cancel(
        self,
        checkout: NamedDependency[CheckoutService],
        caller: NamedDependency[Caller],
        subscription_id: SubscriptionId,
    ) -> BillingSubscriptionRead:
        """Stop the renewal: the plan stays yours until the current period ends."""
        sub = await checkout.set_cancel_at_period_end(caller.tenant_id, caller.user.id, subscription_id, True)
        return billing_subscription_read(sub)

    @post(
        "/subscriptions/{subscription_id:str}/resume",
        status_code=HTTP_200_OK,
        operation_id="resumeSubscription",
        summary="Resume a subscription",
        responses=problems(*SIGNED_IN, "subscription_not_found", "pack_not_cancelable", *PROVIDER_FAULTS),
    )
    async def resume(
        self,
        checkout: NamedDependency[CheckoutService],
        caller: NamedDependency[Caller],
        subscription_id: SubscriptionId,
    ) -> BillingSubscriptionRead:
        """Undo a cancellation at period end: the subscription renews again."""
        sub = await checkout.set_cancel_at_period_end(caller.tenant_id, caller.user.id, subscription_id, False)
        return billing_subscription_read(sub)
