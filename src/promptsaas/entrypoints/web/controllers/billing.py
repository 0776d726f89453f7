"""The member's plans and billing: prices, a Stripe checkout per plan, interval or pack, the customer portal,
cancel at period end or resume, the member's subscriptions and packs, and the pages a checkout returns to."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from promptsaas.application.access import AccessService
from promptsaas.application.billing.checkout import CheckoutService
from promptsaas.application.plans import PlanService
from promptsaas.domain.billing import Interval
from promptsaas.domain.users import User
from promptsaas.entrypoints.web.forms import limit_lines
from promptsaas.entrypoints.web.pages import page, when
from promptsaas.entrypoints.web.session import CHECKOUT_CSP, checked_form, signed_in, signed_user

DONE = {
    "canceled": "Your subscription will end at the close of its current period; resume it any time before then.",
    "resumed": "Your subscription renews again.",
}


class BillingPagesController(Controller):
    include_in_schema = False
    guards = [signed_in]
    dependencies = {"user": Provide(signed_user), "form": Provide(checked_form)}

    @get("/plans")
    async def plans(
        self,
        request: Request[Any, Any, Any],
        plans: NamedDependency[PlanService],
        access: NamedDependency[AccessService],
        checkout: NamedDependency[CheckoutService],
        user: NamedDependency[User],
    ) -> Template:
        """The storefront with a buy button per price, or a notice when the tenant takes no online payment."""
        listed, default = await plans.storefront(user.tenant_id)
        account = await access.account(user.tenant_id, user.id)
        balances = await access.pack_balances(user.tenant_id, user.id)
        online = await checkout.sells_online(user.tenant_id)
        packs = {p.code for p in listed if p.is_pack} | {b.plan_code for b in balances}
        subscriptions = [s for s in account.subscriptions if s.plan_code not in packs]
        holding = {s.plan_code for s in subscriptions if s.status.value in ("active", "trialing", "past_due")}
        return page(
            request,
            "plans.html",
            headers={"content-security-policy": CHECKOUT_CSP},
            plans=[p for p in listed if not p.is_pack],
            packs=[p for p in listed if p.is_pack],
            default=default,
            holding=holding,
            subscriptions=subscriptions,
            balances=[(b, limit_lines(list(b.limits))) for b in balances],
            online=online,
            stripe_customer=any(s.provider == "stripe" for s in account.subscriptions),
            done=DONE.get(request.query_params.get("done") or ""),
            when=when,
        )

    @post("/plans/checkout", status_code=HTTP_303_SEE_OTHER)
    async def start_checkout(
        self,
        checkout: NamedDependency[CheckoutService],
        user: NamedDependency[User],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        """To the provider's hosted checkout for the chosen plan and interval (a pack has none)."""
        interval = form.get("interval") or None
        session = await checkout.checkout(
            user.tenant_id, user.id, form.get("plan", ""), Interval(interval) if interval else None
        )
        return Redirect(path=session.url, status_code=HTTP_303_SEE_OTHER)

    @post("/plans/portal", status_code=HTTP_303_SEE_OTHER)
    async def portal(
        self,
        checkout: NamedDependency[CheckoutService],
        user: NamedDependency[User],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        """To the provider's portal: payment methods, invoices, plan changes."""
        return Redirect(path=await checkout.portal(user.tenant_id, user.id), status_code=HTTP_303_SEE_OTHER)

    @post("/plans/subscriptions/{subscription_id:str}/cancel", status_code=HTTP_303_SEE_OTHER)
    async def cancel(
        self,
        checkout: NamedDependency[CheckoutService],
        user: NamedDependency[User],
        subscription_id: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        await checkout.set_cancel_at_period_end(user.tenant_id, user.id, subscription_id, True)
        return Redirect(path="/plans?done=canceled", status_code=HTTP_303_SEE_OTHER)

    @post("/plans/subscriptions/{subscription_id:str}/resume", status_code=HTTP_303_SEE_OTHER)
    async def resume(
        self,
        checkout: NamedDependency[CheckoutService],
        user: NamedDependency[User],
        subscription_id: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Redirect:
        await checkout.set_cancel_at_period_end(user.tenant_id, user.id, subscription_id, False)
        return Redirect(path="/plans?done=resumed", status_code=HTTP_303_SEE_OTHER)

    @get("/billing/success")
    async def success(self, request: Request[Any, Any, Any], user: NamedDependency[User]) -> Template:
        """Where a paid checkout returns: the plan arrives with the provider's confirmation, seconds later."""
        return page(request, "billing_return.html", paid=True)

    @get("/billing/cancel")
    async def canceled(self, request: Request[Any, Any, Any], user: NamedDependency[User]) -> Template:
        """Where an abandoned checkout returns: nothing was charged."""
        return page(request, "billing_return.html", paid=False)
