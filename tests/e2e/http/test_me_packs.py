"""`GET /v1/me` shows each credit pack the caller holds with its remaining balance and expiry."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.e2e.http.world import World
from tests.support.catalogs import PACK


async def test_me_lists_each_pack_with_its_remaining_balance_and_expiry(any_world: World) -> None:
    a = any_world.a
    await a.library.apply_catalog(PACK)
    before = (await any_world.client.get("/v1/me", headers=a.member.bearer)).json()
    held = await a.library.grant_subscription(a.member.email, "credits", days=30)
    for i in range(3):
        await a.library.chat(a.member.email, "writer", f"call {i}")  # only the pack grants the writer

    me = (await any_world.client.get("/v1/me", headers=a.member.bearer)).json()

    assert before["packs"] == []
    [pack] = me["packs"]
    assert (pack["subscription_id"], pack["plan"]) == (held.id, "credits")
    assert [(x["window"], x["limit"], x["used"], x["remaining"]) for x in pack["limits"]] == [("grant", 10, 3, 7)]
    expires = datetime.fromisoformat(pack["expires_at"])
    assert held.current_period_end is not None
    assert expires == held.current_period_end
    assert abs(expires - held.current_period_start - timedelta(days=30)) < timedelta(seconds=1)
    admin_me = (await any_world.client.get("/v1/me", headers=a.admin.bearer)).json()
    assert admin_me["packs"] == []
