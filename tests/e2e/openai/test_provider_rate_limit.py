"""A provider still rate-limiting after the adapter's retries: the SDK's `RateLimitError` (or a run's 429 problem)
with the provider's own `Retry-After`, in whole seconds up, never less than one."""

from __future__ import annotations

import httpx
import openai
import pytest

from tests.e2e.openai.conftest import Served
from tests.support.llm_stub import Failure

ASK = [{"role": "user", "content": "hi"}]


async def test_a_provider_rate_limit_outlasting_the_retries_is_a_rate_limit_error_with_its_retry_after(
    served: Served,
) -> None:
    served.stub.script(*[Failure(429, retry_after=1.2)] * 4)
    with pytest.raises(openai.RateLimitError) as plain:
        await served.client().chat.completions.create(model="gpt", messages=ASK)  # type: ignore[arg-type]
    assert len(served.stub.received) == 3, "after the adapter's two retries"

    served.stub.script(*[Failure(429, retry_after=0.2)] * 4)
    with pytest.raises(openai.RateLimitError) as streamed:
        await served.client().chat.completions.create(model="gpt", messages=ASK, stream=True)  # type: ignore[arg-type]

    assert plain.value.code == streamed.value.code == "llm_rate_limited"
    assert plain.value.response.headers["retry-after"] == "2", "the provider's 1.2 s, in whole seconds up"
    assert streamed.value.response.headers["retry-after"] == "1", "never less than a second"
    assert [r.charged_requests for r in await served.records()] == [0, 0]


async def test_a_provider_rate_limit_on_a_run_is_a_429_problem_with_retry_after(served: Served) -> None:
    served.stub.script(*[Failure(429, retry_after=0.1)] * 4)
    headers = {"Authorization": f"Bearer {served.key}"}

    async with httpx.AsyncClient(base_url=served.url, headers=headers, timeout=10) as client:
        refused = await client.post("/v1/agents/gpt/runs", json={"input": "hi"})

    assert (refused.status_code, refused.json()["code"]) == (429, "llm_rate_limited")
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.headers["retry-after"] == "1"
