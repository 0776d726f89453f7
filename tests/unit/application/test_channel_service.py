"""The channel service every messenger shares: people, agents, the conversation turn, limits, plans and variables."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fakes import FakeClock, RecordingProvider, agent, plan, small_catalog, use_llm

from promptsaas.application.channels import ChannelService, Person
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import ImagePart
from promptsaas.domain.links import UserDisabled
from promptsaas.domain.users import IdentityProvider, UserStatus
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

PNG = "iVBORw0KGgoAAAAAAAAAAAAAAAAAAAAA"
PRO = plan("pro", "all", ("requests", "day", 100), price={"monthly": 900, "currency": "usd"}, priority=1)


@pytest.fixture
def model(platform: AsyncPlatform) -> RecordingProvider:
    model = RecordingProvider()
    use_llm(platform, offline=model)
    return model


@pytest.fixture
async def channels(platform: AsyncPlatform, tenant: AsyncTenant, model: RecordingProvider) -> ChannelService:
    """Built after the model fixture, so the runtime uses it."""
    await tenant.apply_catalog(small_catalog(plans=[small_catalog()["plans"][0], PRO]))
    return platform.container.channels()


async def enter(channels: ChannelService, tenant: AsyncTenant, subject: str = "1001") -> Person:
    return await channels.enter(await tenant.id(), Channel.TELEGRAM, subject, "Tom")


async def test_first_contact_creates_a_member_with_the_identity_and_the_default_plan(
    platform: AsyncPlatform, tenant: AsyncTenant, channels: ChannelService
) -> None:
    person = await enter(channels, tenant)
    again = await enter(channels, tenant)

    assert again.user_id == person.user_id
    async with platform.container.uow()() as uow:
        identity = await uow.identities.get(await tenant.id(), IdentityProvider.TELEGRAM, "1001")
        user = await uow.users.get(await tenant.id(), person.user_id)
    assert identity is not None
    assert identity.user_id == person.user_id
    assert user is not None
    assert user.email is None
    assert user.display_name == "Tom"
    assert "free" in (await channels.usage(person)).text


async def test_a_disabled_person_is_refused(
    platform: AsyncPlatform, tenant: AsyncTenant, channels: ChannelService
) -> None:
    person = await enter(channels, tenant)
    await platform.container.admin().update_user(await tenant.id(), person.user_id, status=UserStatus.DISABLED)

    with pytest.raises(UserDisabled):
        await enter(channels, tenant)


async def test_the_first_usable_agent_answers_until_one_is_chosen(
    tenant: AsyncTenant, channels: ChannelService, model: RecordingProvider
) -> None:
    person = await enter(channels, tenant)

    first = await channels.say(person, "hi")
    chosen = await channels.choose_agent(person, "writer")
    await channels.set_variable(person, "tone", "bold")
    await channels.say(person, "a slogan")

    assert first.text == "You said: hi"
    assert model.requests[0].system == "You are a beginner math tutor."
    assert "Writer" in chosen.text
    assert model.requests[-1].system == "You write bold copy of at most 80 words."


async def test_the_tenant_s_default_agent_answers_until_one_is_chosen(
    tenant: AsyncTenant, channels: ChannelService, model: RecordingProvider
) -> None:
    await tenant.apply_catalog(small_catalog(plans=[small_catalog()["plans"][0], PRO], default_agent="writer"))
    person = await enter(channels, tenant)

    greeting = await channels.start(person)
    await channels.set_variable(person, "tone", "bold")
    await channels.say(person, "a slogan")
    await channels.choose_agent(person, "tutor")
    await channels.say(person, "2+2?")

    assert greeting.text.startswith("Hello! You are talking to writer.")
    assert model.requests[0].system == "You write bold copy of at most 80 words."
    assert model.requests[1].system == "You are a beginner math tutor."


async def test_a_default_agent_the_person_may_not_use_gives_way_to_the_first_usable_one(
    tenant: AsyncTenant, channels: ChannelService, model: RecordingProvider
) -> None:
    only_tutor = plan("free", ["tutor"], ("requests", "day", 5), default=True)
    await tenant.apply_catalog(small_catalog(plans=[only_tutor], default_agent="writer"))
    person = await enter(channels, tenant)

    await channels.say(person, "hi")

    assert model.requests[0].system == "You are a beginner math tutor."


async def test_the_conversation_keeps_its_history_until_a_new_one_starts(
    tenant: AsyncTenant, channels: ChannelService, model: RecordingProvider
) -> None:
    person = await enter(channels, tenant)
    await channels.say(person, "one")
    await channels.say(person, "two")
    assert model.history_texts(-1) == ["one", "You said: one", "two"]

    await channels.new_conversation(person)
    await channels.say(person, "three")

    assert model.history_texts(-1) == ["three"]


async def test_variables_are_typed_and_checked_against_the_declaration(
    tenant: AsyncTenant, channels: ChannelService, model: RecordingProvider
) -> None:
    person = await enter(channels, tenant)
    await channels.choose_agent(person, "writer")

    wrong = await channels.set_variable(person, "words", "many")
    unknown = await channels.set_variable(person, "colour", "red")
    await channels.set_variable(person, "tone", "calm")
    await channels.set_variable(person, "words", "12")
    await channels.say(person, "go")

    assert "words must be a integer" in wrong.text or "integer" in wrong.text
    assert "no variable 'colour'" in unknown.text
    assert model.requests[-1].system == "You write calm copy of at most 12 words."


async def test_a_spent_limit_reads_like_a_person_wrote_it_with_buttons_to_buy(
    tenant: AsyncTenant, channels: ChannelService, model: RecordingProvider
) -> None:
    person = await enter(channels, tenant)
    for n in range(5):
        await channels.say(person, f"q{n}")

    denied = await channels.say(person, "one more")

    assert "you used all 5 requests per day" in denied.text
    assert "resets 2030-03-15 00:00 UTC" in denied.text
    assert [b.action for row in denied.buttons for b in row] == ["buy:pro"]
    assert len(model.requests) == 5
    usage = await channels.usage(person)
    assert "5 of 5 used, 0 left" in usage.text


async def test_a_plan_too_small_for_one_answer_says_so_without_a_reset_time(
    tenant: AsyncTenant, channels: ChannelService, model: RecordingProvider
) -> None:
    """The agents answer in up to 64 tokens, more than the plan's whole day: waiting for a reset would not help."""
    await tenant.apply_catalog(small_catalog(plans=[plan("free", "all", ("tokens", "day", 50), default=True), PRO]))
    person = await enter(channels, tenant)

    denied = await channels.say(person, "hi")

    assert "one answer needs more than the 50 tokens per day your plan has" in denied.text
    assert "resets" not in denied.text
    assert [b.action for row in denied.buttons for b in row] == ["buy:pro"]
    assert model.requests == []


async def test_agents_list_says_why_one_is_unavailable(tenant: AsyncTenant, channels: ChannelService) -> None:
    await tenant.apply_catalog(small_catalog(plans=[plan("free", ["tutor"], default=True), PRO]))
    person = await enter(channels, tenant)

    listing = await channels.agents(person)
    refused = await channels.choose_agent(person, "writer")

    assert [b.action for row in listing.buttons for b in row] == ["agent:tutor"]
    assert "Writer: not available - your plan does not include this agent" in listing.text
    assert "not available" in refused.text


async def test_plans_show_prices_and_buy_buttons(tenant: AsyncTenant, channels: ChannelService) -> None:
    person = await enter(channels, tenant)

    offers = await channels.plans(person)

    assert "Pro (pro): 9.00 USD a month" in offers.text
    assert "Free (free): free - your plan" in offers.text
    assert [b.action for row in offers.buttons for b in row] == ["buy:pro"]


async def test_an_agent_whose_model_reads_no_images_says_so(
    tenant: AsyncTenant, channels: ChannelService, model: RecordingProvider
) -> None:
    blind = {"id": "offline:echo", "input_usd_per_mtok": 0, "output_usd_per_mtok": 0, "vision": False}
    await tenant.apply_catalog(small_catalog(models=[blind]))
    person = await enter(channels, tenant)

    answer = await channels.say(person, "what is this", images=(ImagePart("image/png", data=PNG),))

    assert "reads text only" in answer.text
    assert model.requests == []


async def test_a_message_too_long_for_the_model_is_answered_in_words(
    tenant: AsyncTenant, channels: ChannelService, model: RecordingProvider
) -> None:
    tiny = {"id": "offline:echo", "input_usd_per_mtok": 0, "output_usd_per_mtok": 0, "context_window": 200}
    await tenant.apply_catalog(small_catalog(models=[tiny]))
    person = await enter(channels, tenant)

    answer = await channels.say(person, "x" * 500)

    assert "too long" in answer.text
    assert model.requests == []


async def test_the_typing_indicator_runs_while_the_model_answers(
    tenant: AsyncTenant, channels: ChannelService, model: RecordingProvider
) -> None:
    person = await enter(channels, tenant)
    shown: list[int] = []

    async def typing() -> None:
        shown.append(1)

    await channels.say(person, "hi", typing=typing)

    assert shown == [1]


async def test_a_retired_chosen_agent_falls_back_with_a_clear_message(
    tenant: AsyncTenant, channels: ChannelService, clock: FakeClock, model: RecordingProvider
) -> None:
    person = await enter(channels, tenant)
    await channels.choose_agent(person, "writer")
    await tenant.apply_catalog(small_catalog(agents=[agent("tutor")], plans=[plan("free", default=True)]), prune=True)
    clock.advance(timedelta(seconds=1))

    answer = await channels.say(person, "hello")
    after = await channels.say(person, "hello again")

    assert answer.text == "The agent you chose is no longer available; choose another one: /agents"
    assert after.text == "You said: hello again"


async def test_buttons_lead_to_the_same_answers_as_commands(tenant: AsyncTenant, channels: ChannelService) -> None:
    person = await enter(channels, tenant)

    chosen = await channels.press(person, "agent:writer")
    buy = await channels.press(person, "buy:pro")
    stale = await channels.press(person, "gone")

    assert chosen.text.startswith("You are now talking to Writer.")
    assert "cannot be paid in this chat; please buy it on our website" in buy.text
    assert buy.payment is None
    assert stale.text.startswith("That button is no longer valid.")


async def test_a_message_said_again_under_its_id_is_answered_from_the_first_turn_and_charged_once(
    tenant: AsyncTenant, channels: ChannelService, model: RecordingProvider
) -> None:
    person = await enter(channels, tenant)

    first = await channels.say(person, "once", idempotency_key="telegram:41")
    await channels.new_conversation(person)
    again = await channels.say(person, "once", idempotency_key="telegram:41")
    other = await channels.say(person, "twice", idempotency_key="telegram:42")

    assert (first.text, again.text, other.text) == ("You said: once", "You said: once", "You said: twice")
    assert len(model.requests) == 2
    assert "2 of" in (await channels.usage(person)).text


async def test_a_stars_priced_plan_is_asked_for_as_a_stars_subscription_and_a_pack_as_one_payment(
    tenant: AsyncTenant, channels: ChannelService
) -> None:
    stars_pro = {**PRO, "price": {"monthly": 900, "currency": "usd", "stars": 450}}
    pack = plan("credits", "all", ("requests", "grant", 5), kind="pack", price={"once": 100, "stars": 60})
    await tenant.apply_catalog({"plans": [stars_pro, pack]})
    person = await enter(channels, tenant)

    pro = await channels.press(person, "buy:pro")
    credits = await channels.press(person, "buy:credits")

    assert pro.payment is not None
    assert (pro.payment.amount, pro.payment.currency, pro.payment.subscription_period_seconds) == (450, "XTR", 2592000)
    assert pro.payment.payload.endswith(f":{person.user_id}:450")
    assert credits.payment is not None
    assert (credits.payment.amount, credits.payment.subscription_period_seconds) == (60, None)
