"""The library's tenant handle: `AsyncTenant`, everything a script can do within one tenant: its users, keys,
subscriptions, limits, calls, usage and audit here; its catalog (`library_catalog.py`) and billing
(`library_billing.py`) methods are inherited.

Import it from `entrypoints.library`, with `AsyncPlatform` that hands it out; `SyncTenant` (in `library_sync.py`)
is its synchronous twin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from promptsaas.application.attachments import image_from
from promptsaas.application.messages import InboundMessage, Reply
from promptsaas.application.ports.repositories import UsageRow
from promptsaas.application.provider_keys import ProviderKeyInfo
from promptsaas.application.retention import PurgeResult
from promptsaas.domain.audit import AuditEntry
from promptsaas.domain.channels import Channel
from promptsaas.domain.plans import Plan
from promptsaas.domain.subscriptions import Subscription
from promptsaas.domain.tenants import Tenant, TenantStatus
from promptsaas.domain.usage import UsageRecord
from promptsaas.domain.users import Role, User
from promptsaas.entrypoints.composition.container import Container
from promptsaas.entrypoints.library_accounts import AsyncAccounts, choice
from promptsaas.entrypoints.library_billing import AsyncTenantBilling
from promptsaas.entrypoints.library_catalog import AsyncTenantCatalog
from promptsaas.entrypoints.library_results import PlanCatalog, PlanLimits
from promptsaas.entrypoints.library_streams import AsyncReplyStream


class AsyncTenant(AsyncTenantCatalog, AsyncTenantBilling):
    """Everything a script can do within one tenant."""

    def __init__(self, container: Container, slug: str, tenant: Tenant | None = None) -> None:
        self._c = container
        self.slug = slug
        self._tenant = tenant

    async def id(self) -> str:
        return (await self.get()).id

    async def get(self) -> Tenant:
        """The tenant itself; `tenant_not_found` when no tenant has this slug."""
        if self._tenant is None:
            self._tenant = await self._c.admin().tenant(self.slug)
        return self._tenant

    async def suspend(self) -> Tenant:
        """Refuse every sign-in, token, API key and call of this tenant's users until `reactivate()`."""
        self._tenant = await self._c.admin().set_tenant_status(self.slug, TenantStatus.SUSPENDED)
        return self._tenant

    async def reactivate(self) -> Tenant:
        self._tenant = await self._c.admin().set_tenant_status(self.slug, TenantStatus.ACTIVE)
        return self._tenant

    async def accounts(self) -> AsyncAccounts:
        """Roles, status, sign-up mode, invites and the account lifecycle of this tenant's users."""
        return AsyncAccounts(self._c, await self.id())

    async def create_user(
        self, email: str, password: str | None = None, role: str = "member", display_name: str = ""
    ) -> User:
        role_ = choice(Role, role, "role")
        if password is not None:
            return await self._c.auth().register(
                await self.id(), email, password, display_name=display_name, role=role_
            )
        return await self._c.admin().create_user(await self.id(), email, display_name=display_name, role=role_)

    async def create_api_key(self, email: str, name: str) -> str:
        """A new API key acting for the user (channel `api`); the key is returned once and stored hashed."""
        user = await self._c.admin().user(await self.id(), email)
        _, key = await self._c.auth().create_api_key(await self.id(), user.id, name)
        return key

    async def set_provider_key(self, email: str, provider: str, api_key: str) -> ProviderKeyInfo:
        """Store (or replace) the user's own key for a provider (BYOK): encrypted, never shown back."""
        user = await self._c.admin().user(await self.id(), email)
        return await self._c.provider_keys().set_provider_key(await self.id(), user.id, provider, api_key)

    async def provider_keys(self, email: str) -> list[ProviderKeyInfo]:
        user = await self._c.admin().user(await self.id(), email)
        return await self._c.provider_keys().provider_keys(await self.id(), user.id)

    async def delete_provider_key(self, email: str, provider: str) -> None:
        user = await self._c.admin().user(await self.id(), email)
        await self._c.provider_keys().delete_provider_key(await self.id(), user.id, provider)

    async def verify_password(self, email: str, password: str) -> User:
        return await self._c.auth().verify_password(await self.id(), email, password)

    async def users(self) -> list[User]:
        return await self._c.admin().users(await self.id())

    async def grant_subscription(self, email: str, plan: str, days: int | None = None) -> Subscription:
        return await self._c.billing().grant_subscription(await self.id(), email, plan, days=days)

    async def cancel_subscription(self, subscription_id: str) -> Subscription:
        return await self._c.billing().cancel_subscription(await self.id(), subscription_id)

    async def subscriptions(self, email: str | None = None) -> list[Subscription]:
        return await self._c.admin().subscriptions(await self.id(), email)

    async def plans(self) -> list[Plan]:
        return await self._c.plans().plans(await self.id())

    async def plan_catalog(self) -> PlanCatalog:
        """Every plan and the code of the default plan."""
        return PlanCatalog(*await self._c.plans().catalog(await self.id()))

    async def limits(self, email: str) -> list[PlanLimits]:
        """Every active plan of the user with its limits."""
        user = await self._c.admin().user(await self.id(), email)
        return [PlanLimits(*pair) for pair in await self._c.access().limits(await self.id(), user.id)]

    async def chat(
        self,
        email: str,
        agent: str,
        text: str,
        *,
        variables: dict[str, object] | None = None,
        style: str | None = None,
        conversation_id: str | None = None,
        channel: str = "library",
        attachments: list[dict[str, Any]] | None = None,
    ) -> Reply:
        """One message to an agent as a user; raises `AccessDenied` when the policy refuses.

        `attachments` are images: `{"url": "https://..."}` or `{"data": <base64>, "mime_type": "image/png"}`.
        """
        message = await self._message(email, agent, text, variables, style, conversation_id, channel, attachments)
        return await self._c.conversations().chat(message)

    def stream(
        self,
        email: str,
        agent: str,
        text: str,
        *,
        variables: dict[str, object] | None = None,
        style: str | None = None,
        conversation_id: str | None = None,
        channel: str = "library",
        attachments: list[dict[str, Any]] | None = None,
    ) -> AsyncReplyStream:
        """`chat`, streamed: `async for piece in tenant.stream(...)` gives the reply's text as the model writes it,
        then `.reply` is the settled `Reply`. A denial raises `AccessDenied` at the first piece, before any text."""

        async def events() -> AsyncIterator[str | Reply]:
            message = await self._message(email, agent, text, variables, style, conversation_id, channel, attachments)
            events = self._c.conversations().stream(message)
            try:
                async for event in events:
                    yield event
            finally:
                await events.aclose()

        return AsyncReplyStream(events())

    async def _message(
        self,
        email: str,
        agent: str,
        text: str,
        variables: dict[str, object] | None,
        style: str | None,
        conversation_id: str | None,
        channel: str,
        attachments: list[dict[str, Any]] | None,
    ) -> InboundMessage:
        user = await self._c.admin().user(await self.id(), email)
        return InboundMessage(
            await self.id(),
            user.id,
            choice(Channel, channel, "channel"),
            agent,
            text,
            variables or {},
            style,
            conversation_id,
            images=tuple(image_from(a, i) for i, a in enumerate(attachments or ())),
        )

    async def usage_report(
        self, group_by: str = "agent", *, since: datetime | None = None, user: str | None = None
    ) -> list[UsageRow]:
        user_id = (await self._c.admin().user(await self.id(), user)).id if user else None
        return await self._c.usage().report(await self.id(), group_by=group_by, since=since, user_id=user_id)

    async def calls_of_request(self, request_id: str) -> list[UsageRecord]:
        """The usage records one request left, found by the request id of its log lines."""
        return await self._c.usage().calls_of_request(await self.id(), request_id)

    async def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        return await self._c.admin().audit_log(await self.id(), limit)

    async def purge(self, *, dry_run: bool = False) -> PurgeResult:
        """Delete this tenant's conversation content older than each user's plan retention."""
        now = self._c.clock().now()
        [result] = await self._c.conversation_history().purge(now, dry_run=dry_run, tenant_id=await self.id())
        return result
