"""The storefront answers a member from a fixed number of SQL statements, however many agents the tenant sells."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from promptsaas.domain.channels import Channel
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from tests.e2e.http.world import settings_for


def catalog(count: int) -> dict[str, Any]:
    """`count` published agents, each with an active prompt version, and a plan granting them all."""
    agents = [
        {
            "slug": f"agent-{n:05d}",
            "name": f"Agent {n}",
            "prompt": {"system": "You help.", "model": "offline:echo"},
        }
        for n in range(count)
    ]
    plans = [{"code": "free", "name": "Free", "default": True, "agents": "all", "limits": []}]
    return {"agents": agents, "plans": plans}


class StatementCount:
    """Counts the statements sent to the database while attached to an engine."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_: object) -> None:
        self.count += 1


async def _listing_statements(platform: AsyncPlatform, tenant: AsyncTenant, user_id: str) -> tuple[int, int]:
    """How many statements one storefront listing sent, and how many agents it listed."""
    engine = platform.container.persistence().database().engine.sync_engine
    counter = StatementCount()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        listing = await platform.container.storefront().agents(await tenant.id(), user_id, Channel.API)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    items = listing.items if hasattr(listing, "items") else listing
    return counter.count, len(items)


async def test_storefront_statements_do_not_grow_with_the_catalog(tmp_path: Path) -> None:
    settings = settings_for(f"sqlite:///{tmp_path / 'store.db'}", tmp_path, "http://127.0.0.1:9/jwks")
    async with AsyncPlatform.open(settings=settings) as platform:
        tenant = await platform.create_tenant("big", name="Big")
        await tenant.apply_catalog(catalog(5))
        member = await tenant.create_user("member@big.example", "member-pa55word")

        small, listed_small = await _listing_statements(platform, tenant, member.id)
        await tenant.apply_catalog(catalog(60))
        large, listed_large = await _listing_statements(platform, tenant, member.id)

    assert (listed_small, listed_large) == (5, 60)
    assert large == small, f"{small} statements for 5 agents, {large} for 60"
