"""Access rules as every shell meets them: the admin rule outside HTTP, the user's own key asked for only when the
plans are exhausted, and the counters read once per request."""

from __future__ import annotations

import pytest
from dependency_injector import providers
from fakes import CountingLedger, RecordingProvider, agent, plan, use_llm, user_id

from promptsaas.application.access import require_admin
from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.channels import Channel
from promptsaas.domain.decisions import AgentFacts
from promptsaas.domain.errors import AccessDenied, Forbidden
from promptsaas.domain.provider_keys import ProviderKey
from promptsaas.domain.usage import Funding
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

ANN = "ann@example.com"
ANNS_KEY = "sk-ann-own-key-0123456789wxyz"
BYOK_CATALOG = {
    "agents": [agent("tutor", prompt={"model": "openai:gpt-4o-mini"}), agent("writer"), agent("critic")],
    "plans": [plan("free", ["tutor", "writer"], ("requests", "day", 1), default=True, byok=True)],
}


@pytest.fixture
def ledger(platform: AsyncPlatform) -> CountingLedger:
    counting = CountingLedger(platform.container.ledger())
    platform.container.ledger.override(providers.Object(counting))
    return counting


@pytest.fixture
async def acme(tenant: AsyncTenant, platform: AsyncPlatform, ledger: CountingLedger) -> AsyncTenant:
    use_llm(platform, openai=RecordingProvider())
    await tenant.apply_catalog(BYOK_CATALOG)
    return tenant


async def test_the_admin_rule_refuses_a_member_outside_http_too(tenant: AsyncTenant) -> None:
    await tenant.create_user("root@example.com", role="admin")
    users = {u.email: u for u in await tenant.users()}

    with pytest.raises(Forbidden) as refused:
        require_admin(users[ANN])
    require_admin(users["root@example.com"])

    assert refused.value.code == "forbidden"


class KeyLookups:
    """The `own_key` lookup of `authorize`, counting how often access asks for the user's key."""

    def __init__(self, key: ProviderKey | None) -> None:
        self.key = key
        self.asked = 0

    async def __call__(self) -> ProviderKey | None:
        self.asked += 1
        return self.key


async def ann_and_her_key(platform: AsyncPlatform, acme: AsyncTenant) -> tuple[str, str, ProviderKey]:
    await acme.set_provider_key(ANN, "openai", ANNS_KEY)
    tenant_id, ann = await acme.id(), await user_id(acme, ANN)
    key = await platform.container.provider_keys().usable_key(tenant_id, ann, "openai")
    assert key is not None
    return tenant_id, ann, key


async def test_the_users_own_key_is_asked_for_once_and_only_when_the_plan_is_exhausted(
    platform: AsyncPlatform, acme: AsyncTenant
) -> None:
    tenant_id, ann, key = await ann_and_her_key(platform, acme)
    access, tutor = platform.container.access(), AgentFacts("tutor", tenant_id, AgentStatus.PUBLISHED, True, "openai")

    with_room = KeyLookups(key)
    assert (await access.authorize(tenant_id, ann, tutor, Channel.LIBRARY, 100, with_room)).funding is Funding.PLAN
    exhausted = KeyLookups(key)
    grant = await access.authorize(tenant_id, ann, tutor, Channel.LIBRARY, 100, exhausted)

    assert with_room.asked == 0
    assert exhausted.asked == 1
    assert (grant.funding, grant.own_key, grant.reservation) == (Funding.BYOK, key, None)


async def test_no_key_is_asked_for_a_denial_a_key_cannot_lift(platform: AsyncPlatform, acme: AsyncTenant) -> None:
    tenant_id, ann, key = await ann_and_her_key(platform, acme)
    critic = AgentFacts("critic", tenant_id, AgentStatus.PUBLISHED, True, "openai")
    lookups = KeyLookups(key)

    with pytest.raises(AccessDenied) as denied:
        await platform.container.access().authorize(tenant_id, ann, critic, Channel.LIBRARY, 100, lookups)

    assert (denied.value.code, lookups.asked) == ("agent_not_in_plan", 0)


async def test_a_call_on_the_users_own_key_reads_the_counters_once(
    platform: AsyncPlatform, acme: AsyncTenant, ledger: CountingLedger
) -> None:
    await acme.chat(ANN, "tutor", "one")
    await acme.set_provider_key(ANN, "openai", ANNS_KEY)
    ledger.reads = ledger.reserves = 0

    reply = await acme.chat(ANN, "tutor", "two")

    assert reply.usage.funding == "byok"
    assert (ledger.reads, ledger.reserves) == (1, 1), "one optimistic hold, one exact read, then the key"


async def test_the_agent_list_reads_the_counters_once_for_every_agent(
    platform: AsyncPlatform, acme: AsyncTenant, ledger: CountingLedger
) -> None:
    tenant_id, ann = await acme.id(), await user_id(acme, ANN)

    listing = await platform.container.storefront().agents(tenant_id, ann, Channel.WEB)

    assert sorted((a.slug, d.code) for a, d in listing.items) == [
        ("critic", "agent_not_in_plan"),
        ("tutor", "ok"),
        ("writer", "ok"),
    ]
    assert ledger.reads == 1


async def test_the_account_reads_no_counter_and_the_limits_read_them_once(
    platform: AsyncPlatform, acme: AsyncTenant, ledger: CountingLedger
) -> None:
    tenant_id, ann = await acme.id(), await user_id(acme, ANN)
    access = platform.container.access()

    account = await access.account(tenant_id, ann)
    assert ledger.reads == 0
    [(code, [day])] = await access.limits(tenant_id, ann)

    assert ledger.reads == 1
    assert [s.plan_code for s in account.subscriptions] == ["free"]
    assert account.entitlements.agents == frozenset({"tutor", "writer"})
    assert (code, day.limit, day.used) == ("free", 1, 0)
