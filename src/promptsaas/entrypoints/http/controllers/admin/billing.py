"""Billing as tenant admins run it: the tenant's own Stripe keys, revenue, the payments ledger and refunds."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from litestar import Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from promptsaas.application.billing.accounts import PaymentAccounts
from promptsaas.application.billing.revenue import RevenueService
from promptsaas.entrypoints.http.billing_views import payment_read, revenue_read
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController, actor
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.parameters import PaymentId
from promptsaas.entrypoints.http.schemas.billing import PaymentRead, RevenueRead, StripeKeysPut

Since = Annotated[datetime | None, QueryParameter(description="From this time on (ISO 8601, inclusive)")]
Until = Annotated[datetime | None, QueryParameter(description="Before this time (ISO 8601, exclusive)")]
GroupBy = Annotated[
    Literal["month", "plan", "provider"], QueryParameter(name="group_by", description="How sums are grouped")
]


class AdminBillingController(AdminController):
    path = "/v1/admin"
    tags = ["admin: billing"]

    @put(
        "/billing/stripe",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="adminSetStripeKeys",
        summary="Set the tenant's Stripe keys",
        responses=problems(*ADMIN, "payment_key_invalid"),
    )
    async def set_stripe_keys(
        self,
        payment_accounts: NamedDependency[PaymentAccounts],
        caller: NamedDependency[Caller],
        data: JSONBody[StripeKeysPut],
    ) -> None:
        """The tenant's own Stripe secret key and webhook signing secret, stored encrypted and never shown again;
        they replace the deployment's defaults for this tenant. Both are required: `sk_...` (or `rk_...`) and
        `whsec_...`."""
        await payment_accounts.set_keys(caller.tenant_id, "stripe", data.secret_key, data.webhook_secret, actor(caller))

    @get("/revenue", operation_id="adminRevenue", summary="Revenue", responses=problems(*ADMIN))
    async def revenue(
        self,
        revenue: NamedDependency[RevenueService],
        caller: NamedDependency[Caller],
        since: Since = None,
        until: Until = None,
        group_by: GroupBy = "month",
    ) -> RevenueRead:
        """Charges, refunds and net per currency, grouped by month, plan or provider; the paid subscriptions active
        now and the monthly recurring revenue (yearly prices as a twelfth)."""
        return revenue_read(await revenue.report(caller.tenant_id, since, until, group_by))

    @get(
        "/payments",
        operation_id="adminListPayments",
        summary="List payments",
        responses=problems(*ADMIN, *PAGED),
        response_headers=PAGE_HEADERS,
    )
    async def payments(
        self,
        revenue: NamedDependency[RevenueService],
        caller: NamedDependency[Caller],
        since: Since = None,
        until: Until = None,
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[PaymentRead]]:
        """The append-only payments ledger, oldest first, a page at a time: every charge and refund the providers
        reported."""
        payments = await revenue.payments_page(caller.tenant_id, page_request(limit, cursor), since, until)
        return paged([payment_read(p) for p in payments.items], payments.next_cursor)

    @post(
        "/payments/{payment_id:str}/refund",
        status_code=HTTP_200_OK,
        operation_id="adminRefundPayment",
        summary="Refund a payment",
        responses=problems(
            *ADMIN,
            "payment_not_found",
            "payment_already_refunded",
            "payment_provider_unavailable",
            "billing_not_configured",
        ),
    )
    async def refund(
        self, revenue: NamedDependency[RevenueService], caller: NamedDependency[Caller], payment_id: PaymentId
    ) -> PaymentRead:
        """Refund a charge in full at its provider; the refund enters the ledger when the provider confirms it,
        and a pack's unspent balance is revoked. A charge refunded, or whose refund was requested, is refunded once."""
        return payment_read(await revenue.refund(caller.tenant_id, payment_id, actor(caller)))
