"""Bring your own key: a user's key funds calls once the plan's quota is used up, and never shows up anywhere."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import pytest
from fakes import RecordingProvider, agent, plan, usage_records, use_llm, user_id

from promptsaas.application.provider_keys import ProviderKeyService
from promptsaas.domain.channels import Channel
from promptsaas.domain.decisions import Decision
from promptsaas.domain.errors import AccessDenied, ByokKeyInvalid, InvalidInput, LlmAuthFailed, NotFound
from promptsaas.domain.usage import Funding, Outcome
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

ANN = "ann@example.com"
ANNS_KEY = "sk-ann-own-key-0123456789wxyz"


def byok_catalog(*, byok: bool = True) -> dict[str, object]:
    """One agent on `openai`, and a default free plan of one request a day that may fall back to the user's key."""
    return {
        "agents": [agent("tutor", prompt={"model": "openai:gpt-4o-mini"})],
        "plans": [plan("free", "all", ("requests", "day", 1), default=True, byok=byok)],
    }


@pytest.fixture
def openai(platform: AsyncPlatform) -> RecordingProvider:
    model = RecordingProvider()
    use_llm(platform, openai=model)
    return model


@pytest.fixture
async def acme(tenant: AsyncTenant, openai: RecordingProvider) -> AsyncTenant:
    await tenant.apply_catalog(byok_catalog())
    return tenant


async def requests_used(tenant: AsyncTenant) -> int:
    [plan] = await tenant.limits(ANN)
    views = plan.limits
    return next(v.used for v in views if v.metric == "requests")


async def test_an_exhausted_plan_falls_back_to_the_users_own_key_until_it_is_deleted(
    platform: AsyncPlatform, acme: AsyncTenant, openai: RecordingProvider
) -> None:
    assert (await acme.chat(ANN, "tutor", "one")).usage.funding == "plan"
    with pytest.raises(AccessDenied) as denied:
        await acme.chat(ANN, "tutor", "two")
    assert denied.value.code == "quota_exceeded"

    await acme.set_provider_key(ANN, "openai", ANNS_KEY)
    reply = await acme.chat(ANN, "tutor", "three")

    assert reply.text == "You said: three"
    assert reply.usage.funding == "byok"
    assert [r.api_key for r in openai.requests] == [None, ANNS_KEY]
    assert await requests_used(acme) == 1
    byok = [r for r in await usage_records(platform, acme) if r.funding is Funding.BYOK]
    assert [(r.outcome, r.charged_requests, r.charged_tokens) for r in byok] == [(Outcome.OK, 0, 0)]

    await acme.delete_provider_key(ANN, "openai")
    with pytest.raises(AccessDenied) as again:
        await acme.chat(ANN, "tutor", "four")
    assert again.value.code == "quota_exceeded"
    assert len(openai.requests) == 2


async def test_the_plan_pays_while_it_has_quota_even_when_the_user_holds_a_key(
    acme: AsyncTenant, openai: RecordingProvider
) -> None:
    await acme.set_provider_key(ANN, "openai", ANNS_KEY)

    assert (await acme.chat(ANN, "tutor", "one")).usage.funding == "plan"
    assert openai.requests[-1].api_key is None


async def test_a_plan_without_byok_denies_even_a_user_with_a_key(acme: AsyncTenant) -> None:
    await acme.apply_catalog(byok_catalog(byok=False))
    await acme.set_provider_key(ANN, "openai", ANNS_KEY)
    await acme.chat(ANN, "tutor", "one")

    with pytest.raises(AccessDenied) as denied:
        await acme.chat(ANN, "tutor", "two")
    assert denied.value.code == "quota_exceeded"


async def streamed(tenant: AsyncTenant, email: str, agent_slug: str, text: str) -> None:
    async with tenant.stream(email, agent_slug, text) as stream:
        async for _ in stream:
            pass


@pytest.mark.parametrize("call", [AsyncTenant.chat, streamed], ids=["chat", "stream"])
async def test_a_key_the_provider_rejects_fails_the_call_and_is_flagged_until_replaced(
    platform: AsyncPlatform, acme: AsyncTenant, openai: RecordingProvider, call: Callable[..., Awaitable[object]]
) -> None:
    await acme.chat(ANN, "tutor", "one")
    await acme.set_provider_key(ANN, "openai", ANNS_KEY)
    openai.failure = LlmAuthFailed("openai rejected the API key (HTTP 401)")

    with pytest.raises(ByokKeyInvalid) as raised:
        await call(acme, ANN, "tutor", "two")

    assert raised.value.code == "byok_key_invalid"
    assert ANNS_KEY not in raised.value.message
    [stored] = await acme.provider_keys(ANN)
    assert stored.invalid
    failed = (await usage_records(platform, acme))[-1]
    assert (failed.funding, failed.outcome, failed.error_code) == (Funding.BYOK, Outcome.ERROR, "byok_key_invalid")
    with pytest.raises(AccessDenied):
        await acme.chat(ANN, "tutor", "three")
    assert await requests_used(acme) == 1

    openai.failure = None
    await acme.set_provider_key(ANN, "openai", "sk-ann-new-key-9876543210abcd")
    assert not (await acme.provider_keys(ANN))[0].invalid
    assert (await acme.chat(ANN, "tutor", "four")).usage.funding == "byok"


async def test_a_rejection_of_a_key_replaced_meanwhile_leaves_the_new_key_valid(
    platform: AsyncPlatform, acme: AsyncTenant
) -> None:
    keys: ProviderKeyService = platform.container.provider_keys()
    ann = await user_id(acme, ANN)
    await acme.set_provider_key(ANN, "openai", ANNS_KEY)
    rejected = await keys.usable_key(await acme.id(), ann, "openai")
    assert rejected is not None

    await acme.set_provider_key(ANN, "openai", "sk-ann-new-key-9876543210abcd")
    await keys.flag_invalid(rejected, "rejected by the provider")

    assert not (await acme.provider_keys(ANN))[0].invalid
    assert await keys.key_for(await acme.id(), ann, "openai") == "sk-ann-new-key-9876543210abcd"


async def test_keys_are_listed_by_provider_and_last_four_characters(acme: AsyncTenant) -> None:
    await acme.set_provider_key(ANN, "openai", ANNS_KEY)

    [listed] = await acme.provider_keys(ANN)

    assert (listed.provider, listed.last4, listed.invalid) == ("openai", "wxyz", False)
    assert await acme.provider_keys("bob@example.com") == []


@pytest.mark.parametrize("provider", ["mistral", "offline"], ids=["unconfigured", "keyless"])
async def test_a_key_for_an_unconfigured_or_keyless_provider_is_refused(acme: AsyncTenant, provider: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        await acme.set_provider_key(ANN, provider, ANNS_KEY)
    assert (raised.value.code, raised.value.field) == ("unknown_provider", "provider")
    assert raised.value.message == f"unknown provider {provider!r}; configured: openai"
    assert await acme.provider_keys(ANN) == []


@pytest.mark.parametrize("bad", ["short", "sk has spaces inside it", "", "sk-" + "x" * 600], ids=len)
async def test_a_malformed_key_is_refused_without_being_echoed(acme: AsyncTenant, bad: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        await acme.set_provider_key(ANN, "openai", bad)
    assert raised.value.field == "api_key"
    assert not bad or bad not in raised.value.message


async def test_deleting_a_key_that_is_not_there_is_not_found(acme: AsyncTenant) -> None:
    with pytest.raises(NotFound) as raised:
        await acme.delete_provider_key(ANN, "openai")
    assert raised.value.code == "provider_key_not_found"


async def test_setting_replacing_and_deleting_a_key_is_audited_without_the_key(
    platform: AsyncPlatform, acme: AsyncTenant, openai: RecordingProvider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await acme.set_provider_key(ANN, "openai", ANNS_KEY)
    await acme.set_provider_key(ANN, "openai", ANNS_KEY + "2")
    await acme.chat(ANN, "tutor", "one")
    openai.failure = LlmAuthFailed("openai rejected the API key (HTTP 401)")
    with pytest.raises(ByokKeyInvalid):
        await acme.chat(ANN, "tutor", "two")
    await acme.delete_provider_key(ANN, "openai")

    entries = await acme.audit_log(100)
    actions = [e.action for e in entries if e.action.startswith("provider_key.")]
    assert sorted(actions) == sorted(
        ["provider_key.set", "provider_key.replace", "provider_key.invalid", "provider_key.delete"]
    )
    rows = [repr(e) for e in entries] + [repr(r) for r in await usage_records(platform, acme)]
    stored = platform.container.store().provider_keys.rows
    for text in (*rows, caplog.text, repr(stored)):
        assert ANNS_KEY not in text
        assert ANNS_KEY[-8:] not in text


async def test_the_agent_list_shows_an_agent_usable_on_the_users_own_key(
    platform: AsyncPlatform, acme: AsyncTenant
) -> None:
    ann = await user_id(acme, ANN)
    await acme.chat(ANN, "tutor", "one")
    storefront = platform.container.storefront()

    async def tutor() -> Decision:
        listing = await storefront.agents(await acme.id(), ann, Channel.WEB)
        return next(d for a, d in listing.items if a.slug == "tutor")

    before = await tutor()
    await acme.set_provider_key(ANN, "openai", ANNS_KEY)
    after = await tutor()

    assert (before.allowed, before.code) == (False, "quota_exceeded")
    assert (after.allowed, after.funding) == (True, Funding.BYOK)
