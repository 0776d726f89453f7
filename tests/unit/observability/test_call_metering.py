"""Every call the conversation flow ends is reported once to `CallMetrics`, whatever the channel: answered with its
tokens, denied with the policy's code, rejected for its input, or cancelled when a stream's reader leaves."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.unit.test_library_streams import ANN, CATALOG, FAST

from promptsaas.application.ports.call_metrics import CallCount, CallMetrics, InboxBacklog
from promptsaas.domain.errors import AccessDenied, NotFound
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform


class CountedCalls(CallMetrics):
    def __init__(self) -> None:
        self.calls: list[CallCount] = []

    def count_call(self, call: CallCount) -> None:
        self.calls.append(call)

    def show_backlog(self, inbox: str, backlog: InboxBacklog, now: datetime) -> None:
        raise AssertionError("not measured here")


async def test_each_ended_call_is_counted_once_with_its_outcome_and_code() -> None:
    counted = CountedCalls()
    async with AsyncPlatform.in_memory(FAST) as platform:
        platform.container.call_metrics.override(counted)
        acme = await platform.create_tenant("acme")
        await acme.apply_catalog(CATALOG)
        await acme.create_user(ANN)
        reply = await acme.chat(ANN, "tutor", "hello")
        async with acme.stream(ANN, "tutor", "tell me a long story please") as stream:
            await anext(stream)
        with pytest.raises(AccessDenied):
            await acme.chat(ANN, "tutor", "one too many")
        with pytest.raises(NotFound):
            await acme.chat(ANN, "nobody", "hello")

    ended = [(c.agent, c.channel, c.outcome, c.code) for c in counted.calls]
    assert ended == [
        ("tutor", "library", "ok", None),
        ("tutor", "library", "cancelled", "client_disconnected"),
        ("tutor", "library", "denied", "quota_exceeded"),
        ("(unknown)", "library", "rejected", "agent_not_found"),
    ]
    answered = counted.calls[0]
    assert (answered.input_tokens, answered.output_tokens) == (reply.usage.input_tokens, reply.usage.output_tokens)


async def test_with_metrics_off_nothing_is_counted() -> None:
    settings = Settings(database_url="memory://", password_memory_kib=1024, password_time_cost=1)
    off = Settings.from_env({"PROMPTSAAS_METRICS": "off", "PROMPTSAAS_DATABASE_URL": "memory://"})
    assert settings.operations.metrics
    assert not off.operations.metrics
    async with AsyncPlatform.in_memory(off) as platform:
        assert type(platform.container.call_metrics()).__name__ == "NoCallMetrics"
