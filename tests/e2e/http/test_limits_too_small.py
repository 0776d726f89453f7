"""A plan whose whole token limit is smaller than one call of an agent: the denial says so, with no retry time."""

from __future__ import annotations

from tests.e2e.http.world import World

TINY_FREE = {
    "plans": [
        {
            "code": "free",
            "name": "Free",
            "default": True,
            "agents": "all",
            "limits": [{"metric": "tokens", "window": "day", "amount": 300}],
        }
    ]
}


async def test_a_run_larger_than_the_whole_limit_is_refused_without_retry_after(any_world: World) -> None:
    a = any_world.a
    await a.library.apply_catalog(TINY_FREE)

    denied = await any_world.client.post("/v1/agents/tutor/runs", json={"input": "hi"}, headers=a.member.bearer)

    assert denied.status_code == 402, denied.text
    body = denied.json()
    assert body["code"] == "quota_exceeded"
    assert body["detail"].startswith("this call needs up to ")
    assert body["detail"].endswith("more than the 300 tokens per day your plan allows")
    assert "Retry-After" not in denied.headers
    assert "resets_at" not in body
    assert [(x["metric"], x["limit"], x["used"]) for x in body["limits"]] == [("tokens", 300, 0)]
