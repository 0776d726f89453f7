"""The series an operator scrapes count every channel's calls (here the OpenAI-compatible surface, not only the
native run route), and the webhook inbox gauges show what waits to be applied."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from promptsaas.application.ports.billing_store import InboxEntry, InboxStatus
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform
from tests.e2e.http.server_process import ServerProcess, server_env, start_server

TOKEN = "metrics-t0ken-of-the-call-scrape"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, str, Path]]:
    workdir = tmp_path_factory.mktemp("call-metrics")
    url = f"sqlite:///{workdir / 'promptsaas.db'}"
    server = start_server(url, workdir, extra_env={"PROMPTSAAS_METRICS_TOKEN": TOKEN})
    try:
        yield server, url, workdir
    finally:
        server.stop()


def scrape(server: ServerProcess) -> str:
    response = httpx.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    return response.text


def value(text: str, name: str, **labels: str) -> float:
    """The sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        found = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if found and all(f'{k}="{v}"' in found.group(1) for k, v in labels.items()):
            total += float(found.group(2))
    return total


def test_a_chat_completion_is_counted_with_its_channel_outcome_and_tokens(
    served: tuple[ServerProcess, str, Path],
) -> None:
    server = served[0]
    before = scrape(server)
    body = {"model": "tutor", "messages": [{"role": "user", "content": "count this one"}]}
    with server.client(Authorization=f"Bearer {server.demo.api_key}") as http:
        assert http.post("/v1/chat/completions", json=body).status_code == 200
        missing = http.post("/v1/chat/completions", json={**body, "model": "no-such-agent"})
    assert missing.status_code == 404
    after = scrape(server)
    calls = {"agent": "tutor", "channel": "api", "outcome": "ok"}
    assert (
        value(after, "promptsaas_agent_calls_total", **calls)
        == value(before, "promptsaas_agent_calls_total", **calls) + 1
    )
    out = {"agent": "tutor", "direction": "out"}
    assert value(after, "promptsaas_tokens_total", **out) > value(before, "promptsaas_tokens_total", **out)
    rejected = {"agent": "(unknown)", "channel": "api", "outcome": "rejected"}
    assert (
        value(after, "promptsaas_agent_calls_total", **rejected)
        == value(before, "promptsaas_agent_calls_total", **rejected) + 1
    )
    assert "no-such-agent" not in after  # a made-up name is not a series of its own


def test_the_inbox_gauges_show_a_pending_payment_event(served: tuple[ServerProcess, str, Path]) -> None:
    server, url, workdir = served
    assert value(scrape(server), "promptsaas_webhook_inbox_depth", inbox="billing") == 0

    async def leave_pending() -> None:
        settings = Settings.from_env(server_env(url, workdir))
        platform = await AsyncPlatform.open(url, settings)
        try:
            tenant_id = await platform.tenant(server.demo.tenant).id()
            received = datetime.now(UTC) - timedelta(minutes=5)
            event = InboxEntry(tenant_id, "stripe", "evt_waiting", "invoice.paid", b"{}", InboxStatus.PENDING, received)
            async with platform.container.uow()() as uow:
                assert await uow.billing.store_event(event)
                await uow.commit()
        finally:
            await platform.close()

    asyncio.run(leave_pending())
    text = scrape(server)
    assert value(text, "promptsaas_webhook_inbox_depth", inbox="billing") == 1
    assert value(text, "promptsaas_webhook_inbox_oldest_seconds", inbox="billing") >= 300
    assert value(text, "promptsaas_webhook_inbox_depth", inbox="whatsapp") == 0
