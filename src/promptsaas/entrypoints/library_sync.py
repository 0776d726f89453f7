"""`SyncTenant`, the synchronous twin of `AsyncTenant`: the same methods, each run to completion on the platform's
private loop (`library_loop.py`). A test holds the two method sets and signatures equal."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from promptsaas.application.catalog.apply import ApplyResult
from promptsaas.application.messages import Reply
from promptsaas.application.ports.repositories import UsageRow
from promptsaas.application.provider_keys import ProviderKeyInfo
from promptsaas.application.retention import PurgeResult
from promptsaas.domain.agents import Agent
from promptsaas.domain.audit import AuditEntry
from promptsaas.domain.plans import Plan
from promptsaas.domain.prompts import PromptVersion
from promptsaas.domain.subscriptions import Subscription
from promptsaas.domain.tenants import Tenant
from promptsaas.domain.usage import UsageRecord
from promptsaas.domain.users import User
from promptsaas.entrypoints.library_accounts import SyncAccounts
from promptsaas.entrypoints.library_billing import SyncTenantBilling
from promptsaas.entrypoints.library_loop import LoopThread
from promptsaas.entrypoints.library_results import AgentOverview, PlanCatalog, PlanLimits
from promptsaas.entrypoints.library_streams import ReplyStream
from promptsaas.entrypoints.library_tenant import AsyncTenant


class SyncTenant(SyncTenantBilling):
    """Everything a script can do within one tenant, blocking until done (see `AsyncTenant`)."""

    def __init__(self, loop: LoopThread, tenant: AsyncTenant) -> None:
        self._loop = loop
        self._tenant = tenant
        self.slug = tenant.slug

    def id(self) -> str:
        return self._loop.run(self._tenant.id())

    def get(self) -> Tenant:
        return self._loop.run(self._tenant.get())

    def suspend(self) -> Tenant:
        return self._loop.run(self._tenant.suspend())

    def reactivate(self) -> Tenant:
        return self._loop.run(self._tenant.reactivate())

    def accounts(self) -> SyncAccounts:
        return SyncAccounts(self._loop, self._loop.run(self._tenant.accounts()))

    def apply_catalog(self, document: dict[str, Any] | str | Path, *, prune: bool = False) -> ApplyResult:
        return self._loop.run(self._tenant.apply_catalog(document, prune=prune))

    def create_user(
        self, email: str, password: str | None = None, role: str = "member", display_name: str = ""
    ) -> User:
        return self._loop.run(self._tenant.create_user(email, password, role, display_name))

    def create_api_key(self, email: str, name: str) -> str:
        return self._loop.run(self._tenant.create_api_key(email, name))

    def set_provider_key(self, email: str, provider: str, api_key: str) -> ProviderKeyInfo:
        return self._loop.run(self._tenant.set_provider_key(email, provider, api_key))

    def provider_keys(self, email: str) -> list[ProviderKeyInfo]:
        return self._loop.run(self._tenant.provider_keys(email))

    def delete_provider_key(self, email: str, provider: str) -> None:
        return self._loop.run(self._tenant.delete_provider_key(email, provider))

    def verify_password(self, email: str, password: str) -> User:
        return self._loop.run(self._tenant.verify_password(email, password))

    def users(self) -> list[User]:
        return self._loop.run(self._tenant.users())

    def grant_subscription(self, email: str, plan: str, days: int | None = None) -> Subscription:
        return self._loop.run(self._tenant.grant_subscription(email, plan, days))

    def cancel_subscription(self, subscription_id: str) -> Subscription:
        return self._loop.run(self._tenant.cancel_subscription(subscription_id))

    def subscriptions(self, email: str | None = None) -> list[Subscription]:
        return self._loop.run(self._tenant.subscriptions(email))

    def plans(self) -> list[Plan]:
        return self._loop.run(self._tenant.plans())

    def plan_catalog(self) -> PlanCatalog:
        return self._loop.run(self._tenant.plan_catalog())

    def agents(self) -> list[AgentOverview]:
        return self._loop.run(self._tenant.agents())

    def agent(self, slug: str) -> AgentOverview:
        return self._loop.run(self._tenant.agent(slug))

    def publish_agent(self, slug: str) -> Agent:
        return self._loop.run(self._tenant.publish_agent(slug))

    def retire_agent(self, slug: str) -> Agent:
        return self._loop.run(self._tenant.retire_agent(slug))

    def export_catalog(self) -> dict[str, Any]:
        return self._loop.run(self._tenant.export_catalog())

    def limits(self, email: str) -> list[PlanLimits]:
        return self._loop.run(self._tenant.limits(email))

    def chat(
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
        return self._loop.run(
            self._tenant.chat(
                email,
                agent,
                text,
                variables=variables,
                style=style,
                conversation_id=conversation_id,
                channel=channel,
                attachments=attachments,
            )
        )

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
    ) -> ReplyStream:
        pieces = self._tenant.stream(
            email,
            agent,
            text,
            variables=variables,
            style=style,
            conversation_id=conversation_id,
            channel=channel,
            attachments=attachments,
        )
        return ReplyStream(self._loop, pieces)

    def create_prompt_version(
        self,
        agent: str,
        *,
        system: str,
        model: str,
        params: dict[str, Any] | None = None,
        variables: dict[str, Any] | None = None,
        user: str | None = None,
        note: str = "",
    ) -> int:
        return self._loop.run(
            self._tenant.create_prompt_version(
                agent, system=system, model=model, params=params, variables=variables, user=user, note=note
            )
        )

    def push_prompt(self, agent: str, block: dict[str, Any] | str | Path, *, activate: bool = False) -> PromptVersion:
        return self._loop.run(self._tenant.push_prompt(agent, block, activate=activate))

    def activate_prompt_version(self, agent: str, version: int) -> PromptVersion:
        return self._loop.run(self._tenant.activate_prompt_version(agent, version))

    def rollback_prompt(self, agent: str) -> int:
        return self._loop.run(self._tenant.rollback_prompt(agent))

    def prompt_versions(self, agent: str) -> list[PromptVersion]:
        return self._loop.run(self._tenant.prompt_versions(agent))

    def prompt_diff(self, agent: str, a: int, b: int) -> str:
        return self._loop.run(self._tenant.prompt_diff(agent, a, b))

    def usage_report(
        self, group_by: str = "agent", *, since: datetime | None = None, user: str | None = None
    ) -> list[UsageRow]:
        return self._loop.run(self._tenant.usage_report(group_by, since=since, user=user))

    def calls_of_request(self, request_id: str) -> list[UsageRecord]:
        return self._loop.run(self._tenant.calls_of_request(request_id))

    def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        return self._loop.run(self._tenant.audit_log(limit))

    def purge(self, *, dry_run: bool = False) -> PurgeResult:
        return self._loop.run(self._tenant.purge(dry_run=dry_run))


def _share_docstrings(twin: type, original: type) -> None:
    """`help(SyncTenant.chat)` shows the contract written once, on the async method."""
    for name, method in [*vars(SyncTenantBilling).items(), *vars(twin).items()]:
        if callable(method) and not name.startswith("_") and method.__doc__ is None:
            method.__doc__ = getattr(original, name).__doc__


_share_docstrings(SyncTenant, AsyncTenant)
