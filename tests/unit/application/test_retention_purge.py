"""Purging conversation content: each user keeps it for the longest retention among their active plans."""

from __future__ import annotations

from datetime import timedelta

from fakes import TUTOR, WRITER, FakeClock, plan

from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

ANN, BOB, CAT = "ann@example.com", "bob@example.com", "cat@example.com"
CATALOG = {
    "agents": [TUTOR, WRITER],
    "plans": [
        plan("free", "all", ("requests", "day", 100), default=True, retention_days=30),
        plan("pro", "all", ("requests", "day", 100), retention_days=365, priority=10),
        plan("forever", "all", ("requests", "day", 100), priority=20),
    ],
}


async def chat_once(tenant: AsyncTenant, *emails: str) -> None:
    for email in emails:
        await tenant.chat(email, "tutor", "hello")


async def test_content_older_than_the_users_longest_retention_is_deleted(
    platform: AsyncPlatform, clock: FakeClock
) -> None:
    acme = await platform.create_tenant("acme")
    await acme.apply_catalog(CATALOG)
    for email in (ANN, BOB, CAT):
        await acme.create_user(email)
    await acme.grant_subscription(BOB, "pro")
    await acme.grant_subscription(CAT, "forever")
    await chat_once(acme, ANN, BOB, CAT)

    clock.advance(timedelta(days=31))
    assert (await acme.purge(dry_run=True)).messages == 2  # ann's (free: 30 days); bob keeps pro's 365
    clock.advance(timedelta(days=400))
    assert (await acme.purge(dry_run=True)).messages == 4  # and now bob's; cat's plan sets no retention
    assert (await acme.purge()).messages == 4
    assert (await acme.purge(dry_run=True)).messages == 0


async def test_a_dry_run_deletes_nothing_and_an_expired_plan_no_longer_extends_retention(
    platform: AsyncPlatform, clock: FakeClock
) -> None:
    acme = await platform.create_tenant("acme")
    await acme.apply_catalog(CATALOG)
    await acme.create_user(ANN)
    await acme.grant_subscription(ANN, "pro", days=10)
    await chat_once(acme, ANN)
    clock.advance(timedelta(days=31))

    assert (await acme.purge(dry_run=True)).messages == 2
    assert (await acme.purge(dry_run=True)).messages == 2
    assert (await acme.purge()).messages == 2


async def test_purge_covers_every_tenant_and_only_each_tenants_own_plans(
    platform: AsyncPlatform, clock: FakeClock
) -> None:
    keep = {**CATALOG, "plans": [plan("free", "all", ("requests", "day", 100), default=True)]}
    acme, beta = await platform.create_tenant("acme"), await platform.create_tenant("beta")
    await acme.apply_catalog(CATALOG)
    await beta.apply_catalog(keep)
    for tenant in (acme, beta):
        await tenant.create_user(ANN)
        await chat_once(tenant, ANN)
    clock.advance(timedelta(days=31))

    results = {r.tenant: r.messages for r in await platform.purge()}
    assert results == {"acme": 2, "beta": 0}
