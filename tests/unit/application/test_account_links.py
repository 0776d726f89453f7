"""Linking a messenger identity to a web account: one person, one user, one quota; refusals change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fakes import FakeClock, RecordingProvider, limits_of, use_llm, user_id

from promptsaas.application.channels import ChannelService, Person
from promptsaas.domain.channels import Channel
from promptsaas.domain.links import LinkRefused
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus
from promptsaas.domain.users import IdentityProvider
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

ANN = "ann@example.com"


@pytest.fixture
async def channels(platform: AsyncPlatform, tenant: AsyncTenant) -> ChannelService:
    use_llm(platform, offline=RecordingProvider())
    return platform.container.channels()


async def enter(channels: ChannelService, tenant: AsyncTenant, subject: str = "1001") -> Person:
    return await channels.enter(await tenant.id(), Channel.TELEGRAM, subject, "Tom")


async def test_a_web_code_joins_the_chat_to_the_web_account_and_its_quota(
    platform: AsyncPlatform, tenant: AsyncTenant, channels: ChannelService
) -> None:
    ann = await user_id(tenant, ANN)
    for n in range(3):
        await tenant.chat(ANN, "tutor", f"web {n}")
    person = await enter(channels, tenant)
    await channels.say(person, "before linking")
    issued = await channels.links.issue(await tenant.id(), ann)

    linked = await channels.start(person, issued.code)
    person = await enter(channels, tenant)
    answers = [(await channels.say(person, f"chat {n}")).text for n in range(3)]

    assert linked.text.startswith("Linked!")
    assert person.user_id == ann
    assert answers[:2] == ["You said: chat 0", "You said: chat 1"]
    assert "you used all 5 requests per day" in answers[2]
    assert (await limits_of(tenant, ANN, "free"))[0].used == 5
    audit = [e for e in await tenant.audit_log() if e.action == "identity.link"]
    assert len(audit) == 1
    assert "telegram:1001" in audit[0].after


async def test_a_chat_code_redeemed_on_the_web_moves_conversations_and_paid_subscriptions(
    platform: AsyncPlatform, tenant: AsyncTenant, channels: ChannelService
) -> None:
    person = await enter(channels, tenant)
    await channels.say(person, "hello")
    tenant_id = await tenant.id()
    async with platform.container.uow()() as uow:
        now = platform.container.clock().now()
        paid = Subscription("sub-1", tenant_id, person.user_id, "free", SubscriptionStatus.ACTIVE, now, provider="x")
        await uow.subscriptions.add(paid)
        await uow.commit()
    code = (await channels.link(person)).text.split("code is ")[1].split(".")[0]
    ann = await user_id(tenant, ANN)

    linked = await channels.links.redeem_on_web(tenant_id, ann, code)

    assert (linked.conversations, linked.subscriptions) == (1, 1)
    assert (await enter(channels, tenant)).user_id == ann
    assert [s.id for s in await tenant.subscriptions(ANN)] == ["sub-1"]
    conversations = await platform.container.conversation_history().conversations(tenant_id, ann)
    assert [c.title for c in conversations] == ["hello"]


async def test_expired_reused_foreign_and_wrong_direction_codes_are_refused_without_change(
    platform: AsyncPlatform, tenant: AsyncTenant, channels: ChannelService, clock: FakeClock
) -> None:
    tenant_id, ann = await tenant.id(), await user_id(tenant, ANN)
    other = await platform.create_tenant("other")
    await other.create_user("zed@example.com")
    zed = await user_id(other, "zed@example.com")
    person = await enter(channels, tenant)
    links = channels.links

    foreign = await links.issue(await other.id(), zed)
    expired = await links.issue(tenant_id, ann)
    clock.advance(timedelta(minutes=11))
    used = await links.issue(tenant_id, ann)
    assert (await channels.start(await enter(channels, tenant, "2002"), used.code)).text.startswith("Linked!")
    chat_code = await links.issue(tenant_id, person.user_id, (IdentityProvider.TELEGRAM, "1001"))

    for code in (foreign.code, expired.code, used.code, chat_code.code, "NOPE"):
        answer = await channels.start(person, code)
        assert answer.text.startswith("Sorry, I could not link your account")
    with pytest.raises(LinkRefused):
        await links.redeem_on_web(tenant_id, ann, used.code)
    assert (await enter(channels, tenant)).user_id == person.user_id
    assert len([e for e in await tenant.audit_log() if e.action == "identity.link"]) == 1  # the one real link
