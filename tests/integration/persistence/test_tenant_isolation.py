"""Tenant isolation as a property: whatever two tenants hold, a read for tenant A never returns tenant B's rows.

The two tenants draw their rows from the same small pool of names, so they often share ids, emails, slugs, plan
codes and token hashes: exactly the case where a missing `tenant_id` filter would show.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promptsaas.application.ports.quota import Settlement
from promptsaas.application.ports.repositories import UsageQuery
from promptsaas.application.ports.unit_of_work import UnitOfWork
from promptsaas.domain.conversations import Exchange
from promptsaas.domain.prompts import PromptVersion, VersionStatus
from promptsaas.domain.provider_keys import ProviderKey
from promptsaas.domain.tenants import Tenant
from promptsaas.domain.users import Identity, IdentityProvider
from tests.integration.persistence import entities as e
from tests.integration.persistence.conftest import Backend

NAMES = st.sets(st.sampled_from(["ann", "bob", "cy", "dee"]), max_size=3)


async def hold(backend: Backend, tenant_id: str, names: set[str]) -> None:
    """One row of every kind per name, with the name as id, email, slug, code and secret hash."""
    async with backend.uow() as uow:
        await uow.tenants.add(e.tenant(tenant_id, f"t-{tenant_id}"))
        await uow.models.put(tenant_id, replace(e.model(), context_window=len(tenant_id) + len(names)))
        for n in sorted(names):
            await write_rows(uow, tenant_id, n)
        await uow.commit()
    for n in sorted(names):
        turn = Exchange(e.conversation(tenant_id, n, n), True, (e.message(tenant_id, n, n),))
        await backend.ledger.settle(Settlement(e.usage(tenant_id, n, user_id=n), exchange=turn))
        assert await backend.ledger.reserve(e.reservation(tenant_id, f"{tenant_id}-{n}", (e.key(n), 1, 10)))


async def write_rows(uow: UnitOfWork, tenant_id: str, n: str) -> None:
    await uow.users.add(e.user(tenant_id, n, f"{n}@example.com"))
    await uow.identities.add(e.identity(tenant_id, n, n))
    await uow.agents.add(e.agent(tenant_id, n, n))
    await uow.versions.add(e.version(tenant_id, n, 1, VersionStatus.ACTIVE))
    await uow.plans.add(replace(e.plan(tenant_id, n), id=n))
    await uow.subscriptions.add(e.subscription(tenant_id, n, n))
    await uow.audit.add(e.audit(tenant_id, n))
    await uow.refresh_tokens.add(replace(e.refresh_token(tenant_id, n, n, n), token_hash=n))
    await uow.api_keys.add(e.api_key(tenant_id, n, n))
    await uow.provider_keys.put(e.provider_key(tenant_id, n))


async def visible(backend: Backend, tenant_id: str, names: set[str]) -> dict[str, set[str]]:
    """Every read a repository offers, as tenant `tenant_id`: which names each read returned."""
    seen: dict[str, set[str]] = {}

    def saw(read: str, *rows: object) -> None:
        for row in rows:
            if row is None:
                continue
            assert getattr(row, "tenant_id", tenant_id) == tenant_id, f"{read} returned another tenant's row"
            seen.setdefault(read, set()).add(_name(row))

    async with backend.uow() as uow:
        saw("tenants.get", await uow.tenants.get(tenant_id))
        saw("users.list", *await uow.users.list(tenant_id))
        saw("agents.list", *await uow.agents.list(tenant_id))
        saw("plans.list", *await uow.plans.list(tenant_id))
        saw("subscriptions.list", *await uow.subscriptions.list(tenant_id))
        saw("usage.records", *await uow.usage.records(tenant_id))
        saw("audit.list", *await uow.audit.list(tenant_id))
        saw("provider_keys.list_all", *await uow.provider_keys.list_all(tenant_id))
        summary = await uow.usage.summarize(UsageQuery(tenant_id, "user"))
        seen["usage.summarize"] = {row.key for row in summary if row.requests == 1}
        assert all(m.context_window == len(tenant_id) + len(names) for m in await uow.models.list(tenant_id))
        for n in ("ann", "bob", "cy", "dee"):
            saw("users.get", await uow.users.get(tenant_id, n))
            saw("users.get_by_email", await uow.users.get_by_email(tenant_id, f"{n}@example.com"))
            saw("identities.get", await uow.identities.get(tenant_id, IdentityProvider.TELEGRAM, n))
            saw("identities.list_for_user", *await uow.identities.list_for_user(tenant_id, n))
            saw("agents.get", await uow.agents.get(tenant_id, n))
            saw("agents.get_by_slug", await uow.agents.get_by_slug(tenant_id, n))
            saw("versions.get", await uow.versions.get(tenant_id, n, 1))
            saw("versions.get_active", await uow.versions.get_active(tenant_id, n))
            saw("versions.list", *await uow.versions.list(tenant_id, n))
            saw("plans.get_by_code", await uow.plans.get_by_code(tenant_id, n))
            saw("subscriptions.get", await uow.subscriptions.get(tenant_id, n))
            saw("subscriptions.list_for_user", *await uow.subscriptions.list_for_user(tenant_id, n))
            saw("conversations.get", await uow.conversations.get(tenant_id, n))
            saw("conversations.list_for_user", *await uow.conversations.list_for_user(tenant_id, n))
            saw("conversations.recent_messages", *await uow.conversations.recent_messages(tenant_id, n, 10))
            saw("refresh_tokens.get_by_hash", await uow.refresh_tokens.get_by_hash(tenant_id, n))
            saw("api_keys.get", await uow.api_keys.get(tenant_id, n))
            saw("api_keys.list_for_user", *await uow.api_keys.list_for_user(tenant_id, n))
            saw("api_keys.find_by_hash", await uow.api_keys.find_by_hash(f"hash-{tenant_id}-{n}"))
            saw("provider_keys.get", await uow.provider_keys.get(tenant_id, n, "openai"))
            saw("provider_keys.list_for_user", *await uow.provider_keys.list_for_user(tenant_id, n))
            counters = await backend.ledger.read(tenant_id, [e.key(n)])
            seen.setdefault("ledger.read", set()).update(key.subscription_id for key in counters)
    assert await backend.ledger.pending(tenant_id) == len(names)
    return seen


def _name(row: object) -> str:
    if isinstance(row, PromptVersion):
        return row.agent_id
    if isinstance(row, Identity):
        return row.subject
    if isinstance(row, Tenant):
        return row.slug
    if isinstance(row, ProviderKey):
        return row.user_id
    return str(row.id)  # type: ignore[attr-defined]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a_names=NAMES, b_names=NAMES)
async def test_a_tenant_reads_only_its_own_rows(backend: Backend, a_names: set[str], b_names: set[str]) -> None:
    a, b = uuid.uuid4().hex[:8], uuid.uuid4().hex[:8]
    await hold(backend, a, a_names)
    await hold(backend, b, b_names)
    for tenant_id, names in ((a, a_names), (b, b_names)):
        seen = await visible(backend, tenant_id, names)
        for read, found in seen.items():
            expected = {f"t-{tenant_id}"} if read == "tenants.get" else names
            assert found == expected, f"{read} as tenant {tenant_id}"
