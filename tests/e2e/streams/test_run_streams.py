"""`POST /v1/agents/{slug}/runs` with `Accept: text/event-stream`: `delta` events, then `done` with what the JSON
response carries, or `error` with the problem; a denial is still a plain problem response with its status."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from promptsaas.domain.usage import Outcome
from tests.e2e.streams.conftest import Served
from tests.support.llm_stub import Reply

STORY = " ".join(f"word{i}" for i in range(40))


def _client(served: Served) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {served.key}", "Accept": "text/event-stream"}
    return httpx.AsyncClient(base_url=served.url, headers=headers, timeout=10)


async def _events(response: httpx.Response) -> AsyncIterator[tuple[str, Any]]:
    """The server-sent events of a response as (name, decoded data) pairs."""
    name = ""
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            yield name, json.loads(line.removeprefix("data: "))


async def test_a_streamed_run_sends_deltas_that_make_the_reply_then_done_with_the_recorded_usage(
    served: Served,
) -> None:
    served.stub.script(Reply("one two three four", input_tokens=21, output_tokens=4))
    async with _client(served) as client, client.stream("POST", "/v1/agents/gpt/runs", json={"input": "hi"}) as got:
        assert got.status_code == 200
        assert got.headers["content-type"].startswith("text/event-stream")
        events = [event async for event in _events(got)]

    names = [name for name, _ in events]
    assert names[-1] == "done"
    assert set(names[:-1]) == {"delta"}
    assert len(names) > 2, "the reply came in pieces"
    done = events[-1][1]
    assert "".join(data["text"] for _, data in events[:-1]) == "one two three four" == done["text"]
    [record] = await served.records()
    assert (record.outcome, record.error_code) == (Outcome.OK, None)
    assert done["usage"]["input_tokens"] == record.input_tokens == 21
    assert done["usage"]["output_tokens"] == record.output_tokens == 4
    assert done["usage"]["cost_micros"] == record.cost_micros
    assert done["limits"][0]["used"] == 1
    assert done["limits"][0]["remaining"] == 49
    assert done["conversation_id"]
    assert done["model"] == "openai:gpt-4o-mini"
    assert done["prompt_version"] == 1
    assert await served.pending() == 0


@pytest.mark.parametrize("requests_per_day", [1])
async def test_a_streamed_run_over_quota_is_a_plain_402_problem(served: Served) -> None:
    async with _client(served) as client:
        first = await client.post("/v1/agents/echo/runs", json={"input": "hi"})
        denied = await client.post("/v1/agents/echo/runs", json={"input": "again"})

    assert first.status_code == 200
    assert "event: done" in first.text
    assert denied.status_code == 402
    assert denied.headers["content-type"].startswith("application/problem+json")
    assert denied.json()["code"] == "quota_exceeded"
    assert "Retry-After" in denied.headers
    assert await served.pending() == 0


async def test_a_provider_refusing_before_the_first_token_is_a_plain_429_problem_charging_nothing(
    served: Served,
) -> None:
    served.stub.fail(429, times=10)  # every retry too
    async with _client(served) as client:
        refused = await client.post("/v1/agents/gpt/runs", json={"input": "hi"})

    assert refused.status_code == 429
    assert refused.json()["code"] == "llm_rate_limited"
    [record] = await served.records()
    assert (record.charged_requests, record.output_tokens) == (0, 0)
    assert await served.pending() == 0


async def test_a_provider_failing_mid_stream_ends_it_with_an_error_event_charging_what_was_sent(
    served: Served,
) -> None:
    served.stub.script(Reply("one two three four", input_tokens=30, output_tokens=4, fail_after_words=2))
    async with _client(served) as client, client.stream("POST", "/v1/agents/gpt/runs", json={"input": "hi"}) as got:
        events = [event async for event in _events(got)]

    assert got.status_code == 200
    assert "".join(data["text"] for name, data in events if name == "delta") == "one two "
    name, problem = events[-1]
    assert name == "error"
    assert (problem["code"], problem["status"]) == ("llm_unavailable", 502)
    assert problem["detail"]
    await served.settled()
    assert await served.pending() == 0
    [record] = await served.records()
    assert (record.outcome, record.error_code, record.output_tokens) == (Outcome.OK, "llm_unavailable", 2)


async def test_a_client_leaving_a_streamed_run_is_charged_for_what_was_sent_and_leaves_no_reservation(
    served: Served,
) -> None:
    served.stub.script(Reply(STORY, input_tokens=30, output_tokens=40, chunk_delay=0.05))
    received = ""
    async with _client(served) as client, client.stream("POST", "/v1/agents/gpt/runs", json={"input": "hi"}) as got:
        async for name, data in _events(got):
            assert name == "delta"
            received += data["text"]
            if received.count("word") >= 3:
                break

    await served.settled()
    assert await served.pending() == 0
    [record] = await served.records()
    assert (record.outcome, record.error_code) == (Outcome.OK, "client_disconnected")
    assert -(-len(received) // 4) <= record.output_tokens < -(-len(STORY) // 4), "what was generated, not the story"


async def test_a_streamed_run_with_an_idempotency_key_replays_its_reply_and_is_charged_once(served: Served) -> None:
    served.stub.script(Reply("the only answer", input_tokens=10, output_tokens=3))
    headers = {"Idempotency-Key": "run-1"}
    async with _client(served) as client:
        first = await _sse(client, headers)
        again = await _sse(client, headers)

    assert [name for name, _ in again] == ["delta", "done"]  # the kept reply, in one piece
    for events in (first, again):
        assert "".join(data["text"] for name, data in events if name == "delta") == "the only answer"
    assert first[-1] == again[-1]
    assert len(await served.records()) == 1
    assert len(served.stub.received) == 1


async def _sse(client: httpx.AsyncClient, headers: dict[str, str]) -> list[tuple[str, Any]]:
    async with client.stream("POST", "/v1/agents/gpt/runs", json={"input": "hi"}, headers=headers) as got:
        assert got.status_code == 200
        return [event async for event in _events(got)]


@pytest.mark.parametrize(
    ("accept", "answered_as"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json, text/event-stream;q=0.5", "application/json"),
        ("text/event-stream;q=0, application/json", "application/json"),
        ("text/plain", "application/json"),
        ("Text/Event-Stream", "text/event-stream"),
        ("text/*", "text/event-stream"),
        ("application/json;q=0.5, text/event-stream", "text/event-stream"),
    ],
)
async def test_the_accept_header_chooses_json_or_the_event_stream(
    served: Served, accept: str | None, answered_as: str
) -> None:
    headers = {"Authorization": f"Bearer {served.key}"} | ({"Accept": accept} if accept else {})
    async with httpx.AsyncClient(base_url=served.url, headers=headers, timeout=30) as client:
        got = await client.post("/v1/agents/echo/runs", json={"input": "hi"})

    assert got.status_code == 200
    assert got.headers["content-type"].startswith(answered_as)
    assert "You said: hi" in got.text
