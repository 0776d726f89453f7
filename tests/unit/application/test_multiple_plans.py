"""A user's plans: each grants its agents on its channels within its own limits; every denial names its reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fakes import FakeClock, agent, plan, usage_records

from promptsaas.domain.errors import AccessDenied
from promptsaas.domain.users import UserStatus
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

ANN = "ann@example.com"


@pytest.fixture
async def shop(platform: AsyncPlatform) -> AsyncTenant:
    """`free` (default: alpha, 2 a day, library and web only) and the `addon` (beta, 3 a day)."""
    shop = await platform.create_tenant("shop")
    await shop.apply_catalog(
        {
            "agents": [agent("alpha"), agent("beta"), agent("gamma"), agent("delta", status="draft")],
            "plans": [
                plan("free", ["alpha"], ("requests", "day", 2), default=True, channels=["library", "web"]),
                plan("addon", ["beta"], ("requests", "day", 3)),
            ],
        }
    )
    await shop.create_user(ANN)
    await shop.grant_subscription(ANN, "addon")
    return shop


async def denial(tenant: AsyncTenant, agent_slug: str, email: str = ANN, **kwargs: str) -> AccessDenied:
    with pytest.raises(AccessDenied) as raised:
        await tenant.chat(email, agent_slug, "Hello", **kwargs)
    return raised.value


async def test_each_agent_is_used_against_its_own_plans_limits(platform: AsyncPlatform, shop: AsyncTenant) -> None:
    for _ in range(2):
        await shop.chat(ANN, "alpha", "Hello")

    denied = await denial(shop, "alpha")
    assert denied.code == "quota_exceeded"
    for _ in range(3):
        await shop.chat(ANN, "beta", "Hello")
    assert (await denial(shop, "beta")).code == "quota_exceeded"

    plans_by_agent = {(r.agent_slug, r.plan_code) for r in await usage_records(platform, shop)}
    assert plans_by_agent == {("alpha", "free"), ("beta", "addon")}
    used = {p.plan: [(v.used, v.remaining) for v in p.limits] for p in await shop.limits(ANN)}
    assert used == {"free": [(2, 0)], "addon": [(3, 0)]}


async def test_a_quota_denial_lists_the_limits_and_when_they_reset(shop: AsyncTenant, clock: FakeClock) -> None:
    for _ in range(2):
        await shop.chat(ANN, "alpha", "Hello")

    denied = await denial(shop, "alpha")

    (limit,) = denied.decision.limits
    assert (limit.metric, limit.window, limit.limit, limit.used, limit.remaining) == ("requests", "day", 2, 2, 0)
    assert limit.exhausted
    tomorrow = datetime(clock.now().year, clock.now().month, clock.now().day, tzinfo=UTC) + timedelta(days=1)
    assert denied.decision.resets_at == limit.resets_at == tomorrow
    assert "2 requests per day" in denied.message

    clock.advance(tomorrow - clock.now())
    assert (await shop.chat(ANN, "alpha", "Hello again")).limits[0].remaining == 1


async def test_an_agent_no_plan_grants_is_refused(shop: AsyncTenant) -> None:
    assert (await denial(shop, "gamma")).code == "agent_not_in_plan"


async def test_a_channel_the_plan_excludes_is_refused(shop: AsyncTenant) -> None:
    assert (await denial(shop, "alpha", channel="whatsapp")).code == "channel_not_allowed"
    assert (await shop.chat(ANN, "alpha", "Hello", channel="web")).text


async def test_a_draft_or_retired_agent_is_unavailable(shop: AsyncTenant) -> None:
    assert (await denial(shop, "delta")).code == "agent_unavailable"
    await shop.apply_catalog({"agents": [agent("beta", status="retired")]})
    assert (await denial(shop, "beta")).code == "agent_unavailable"


async def test_a_disabled_user_is_refused(platform: AsyncPlatform, shop: AsyncTenant) -> None:
    ann = (await shop.users())[0]

    await platform.container.admin().update_user(await shop.id(), ann.id, status=UserStatus.DISABLED)

    assert (await denial(shop, "alpha")).code == "user_disabled"


@pytest.fixture
async def no_default(platform: AsyncPlatform) -> AsyncTenant:
    """A tenant without a default plan: users hold only what they subscribe to."""
    tenant = await platform.create_tenant("paid-only")
    await tenant.apply_catalog({"agents": [agent("alpha")], "plans": [plan("pro", "all", ("requests", "day", 9))]})
    await tenant.create_user(ANN)
    return tenant


async def test_a_user_without_any_plan_has_no_subscription(no_default: AsyncTenant) -> None:
    assert (await denial(no_default, "alpha")).code == "no_subscription"


async def test_a_canceled_subscription_is_inactive(no_default: AsyncTenant) -> None:
    subscription = await no_default.grant_subscription(ANN, "pro", days=30)
    assert (await no_default.chat(ANN, "alpha", "Hello")).text

    await no_default.cancel_subscription(subscription.id)

    assert (await denial(no_default, "alpha")).code == "subscription_inactive"


async def test_an_expired_grant_is_inactive(no_default: AsyncTenant, clock: FakeClock) -> None:
    await no_default.grant_subscription(ANN, "pro", days=1)

    clock.advance(timedelta(days=1))

    assert (await denial(no_default, "alpha")).code == "subscription_inactive"


async def test_a_minute_window_rate_limits(platform: AsyncPlatform, clock: FakeClock) -> None:
    tenant = await platform.create_tenant("bursty")
    limits = [("requests", "minute", 1), ("requests", "day", 100)]
    await tenant.apply_catalog({"agents": [agent("alpha")], "plans": [plan("free", "all", *limits, default=True)]})
    await tenant.create_user(ANN)
    await tenant.chat(ANN, "alpha", "Hello")

    denied = await denial(tenant, "alpha")

    assert denied.code == "rate_limited"
    assert denied.decision.resets_at == clock.now().replace(second=0) + timedelta(minutes=1)
    assert [(lim.window, lim.used) for lim in denied.decision.limits] == [("minute", 1), ("day", 1)]
    clock.advance(timedelta(minutes=1))
    assert (await tenant.chat(ANN, "alpha", "Hello")).text


async def test_the_highest_priority_plan_with_room_funds_the_call(platform: AsyncPlatform, shop: AsyncTenant) -> None:
    await shop.apply_catalog({"plans": [plan("pro", "all", ("requests", "day", 1), priority=10)]})
    await shop.grant_subscription(ANN, "pro")

    funders = [(await shop.chat(ANN, "alpha", f"q{i}")) for i in range(3)]

    assert all(reply.usage.funding == "plan" for reply in funders)
    assert [r.plan_code for r in await usage_records(platform, shop)] == ["pro", "free", "free"]
    assert (await denial(shop, "alpha")).code == "quota_exceeded"
