"""Subscriptions, as tenant admins see them: listed, granted by hand (the `manual` provider), canceled."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from promptsaas.application.admin import AdminService
from promptsaas.application.billing.subscriptions import BillingService
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController, actor
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.parameters import SubscriptionId
from promptsaas.entrypoints.http.schemas.admin import AdminSubscriptionRead, GrantCreate
from promptsaas.entrypoints.http.views import admin_subscription_read

UserEmail = Annotated[
    str | None,
    QueryParameter(name="user", max_length=254, description="Only this user's subscriptions, by email."),
]


class AdminSubscriptionsController(AdminController):
    path = "/v1/admin/subscriptions"
    tags = ["admin: subscriptions"]

    @get(
        "/",
        operation_id="adminListSubscriptions",
        summary="List subscriptions",
        responses=problems(*ADMIN, "user_not_found", *PAGED),
        response_headers=PAGE_HEADERS,
    )
    async def subscriptions(
        self,
        admin: NamedDependency[AdminService],
        caller: NamedDependency[Caller],
        email: UserEmail = None,
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[AdminSubscriptionRead]]:
        """The tenant's subscriptions, of every status, or one user's with `?user=<email>`, by period start, a page
        at a time."""
        subs = await admin.subscriptions_page(caller.tenant_id, page_request(limit, cursor), email)
        return paged([admin_subscription_read(s) for s in subs.items], subs.next_cursor)

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        operation_id="adminGrantSubscription",
        summary="Grant a plan by hand",
        responses=problems(*ADMIN, "user_not_found", "plan_not_found"),
    )
    async def grant(
        self, billing: NamedDependency[BillingService], caller: NamedDependency[Caller], data: JSONBody[GrantCreate]
    ) -> AdminSubscriptionRead:
        """Grant a plan to a user by hand (the `manual` payment provider), for `days` or until canceled."""
        sub = await billing.grant_subscription(
            caller.tenant_id, data.email, data.plan, days=data.days, actor=actor(caller)
        )
        return admin_subscription_read(sub)

    @post(
        "/{subscription_id:str}/cancel",
        status_code=HTTP_200_OK,
        operation_id="adminCancelSubscription",
        summary="Cancel a subscription",
        responses=problems(*ADMIN, "subscription_not_found", "payment_provider_unavailable", "billing_not_configured"),
    )
    async def cancel(
        self,
        billing: NamedDependency[BillingService],
        caller: NamedDependency[Caller],
        subscription_id: SubscriptionId,
    ) -> AdminSubscriptionRead:
        """Cancel a subscription now: its grants stop applying to the user's next call. One a provider bills (Stripe)
        is canceled at the provider first, so it is charged no more; nothing is refunded."""
        sub = await billing.cancel_subscription(caller.tenant_id, subscription_id, actor(caller))
        return admin_subscription_read(sub)
