"""`AnthropicProvider` through the official `anthropic` SDK against the loopback stub."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from promptsaas.adapters.llm.anthropic import AnthropicProvider
from promptsaas.adapters.llm.clients import Transport
from promptsaas.adapters.llm.faults import RetryPolicy
from promptsaas.adapters.llm.registry import BUILTIN_MODELS
from promptsaas.application.ports.llm import ChatMessage, Completion, LlmRequest
from promptsaas.domain.conversations import ImagePart, Role, TextPart
from promptsaas.domain.errors import LlmAuthFailed, LlmError
from promptsaas.domain.prompts import ModelParams
from tests.integration.llm.conftest import ANTHROPIC_KEY, FAST, USER_KEY, ask
from tests.support.llm_stub import Disconnect, Failure, Hang, LlmStub, Malformed, Reply, Step

PRICES = {m.id: m for m in BUILTIN_MODELS}


async def test_system_history_and_parameters_reach_the_wire(
    anthropic_provider: AnthropicProvider, stub: LlmStub
) -> None:
    history = (
        ChatMessage(Role.USER, (TextPart("What is 2+2?"),)),
        ChatMessage(Role.ASSISTANT, (TextPart("4"),)),
        ChatMessage(Role.USER, (TextPart("And 3+3?"),)),
    )
    params = ModelParams(temperature=0.3, max_output_tokens=77, top_p=0.8, stop=("END",))
    await anthropic_provider.complete(LlmRequest("claude-haiku-4-5", "You are a tutor.", history, params))

    body = stub.received[0].body
    assert stub.received[0].path == "/v1/messages"
    assert body["model"] == "claude-haiku-4-5"
    assert body["system"] == "You are a tutor."
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "What is 2+2?"}]},
        {"role": "assistant", "content": "4"},
        {"role": "user", "content": [{"type": "text", "text": "And 3+3?"}]},
    ]
    assert (body["max_tokens"], body["stop_sequences"]) == (77, ["END"])
    assert (body["temperature"], body["top_p"]) == (0.3, 0.8)


async def test_max_tokens_is_always_sent_and_unset_sampling_is_not(
    anthropic_provider: AnthropicProvider, stub: LlmStub
) -> None:
    await anthropic_provider.complete(ask())
    body = stub.received[0].body
    assert body["max_tokens"] == ModelParams().output_budget
    assert not {"temperature", "top_p", "stop_sequences"} & body.keys()


async def test_usage_comes_from_the_response_and_cost_from_the_registry(
    anthropic_provider: AnthropicProvider, stub: LlmStub
) -> None:
    stub.script(Reply("Six.", input_tokens=1000, output_tokens=500))
    completion = await anthropic_provider.complete(ask())
    assert (completion.text, completion.input_tokens, completion.output_tokens) == ("Six.", 1000, 500)
    # claude-haiku-4-5: $1 in, $5 out per million tokens = 1000 + 2500 micro-USD
    assert PRICES["anthropic:claude-haiku-4-5"].cost_micros(completion.input_tokens, completion.output_tokens) == 3500


async def test_images_travel_as_base64_and_url_sources(anthropic_provider: AnthropicProvider, stub: LlmStub) -> None:
    inline = ImagePart("image/jpeg", data="/9j/4AAQ")
    by_url = ImagePart("", url="https://example.com/cat.png")
    await anthropic_provider.complete(ask("What is this?", inline, by_url))
    assert stub.received[0].messages[-1]["content"] == [
        {"type": "text", "text": "What is this?"},
        {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQ"}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.png"}},
    ]


@pytest.mark.parametrize("fault", [Failure(503), Failure(529), Failure(429), Disconnect()], ids=repr)
async def test_a_transient_fault_is_retried_and_the_call_succeeds(
    anthropic_provider: AnthropicProvider, stub: LlmStub, fault: Step
) -> None:
    stub.script(fault, Reply("ok"))
    assert (await anthropic_provider.complete(ask())).text == "ok"
    assert len(stub.received) == 2


@pytest.mark.parametrize(
    ("fault", "code", "attempts"),
    [
        (Failure(529), "llm_unavailable", 3),
        (Failure(429), "llm_rate_limited", 3),
        (Failure(400), "llm_bad_request", 1),
        (Failure(413), "llm_bad_request", 1),
        (Failure(401), "llm_auth_failed", 1),
        (Hang(), "llm_timeout", 1),
        (Malformed(b'{"content": "not a list"}'), "llm_unavailable", 1),
    ],
    ids=repr,
)
async def test_faults_become_typed_errors_after_bounded_retries(
    stub: LlmStub, transport: Transport, fault: Step, code: str, attempts: int
) -> None:
    provider = AnthropicProvider(base_url=stub.anthropic_url, api_key=ANTHROPIC_KEY, policy=FAST, transport=transport)
    stub.default = fault
    with pytest.raises(LlmError) as raised:
        await provider.complete(ask())
    await provider.aclose()
    assert raised.value.code == code
    assert len(stub.received) == attempts


async def test_a_users_own_key_reaches_the_provider(anthropic_provider: AnthropicProvider, stub: LlmStub) -> None:
    await anthropic_provider.complete(ask(api_key=USER_KEY))
    await anthropic_provider.complete(ask())
    assert stub.keys == [USER_KEY, ANTHROPIC_KEY]


async def test_an_auth_token_from_the_environment_is_sent_as_a_bearer_token(
    stub: LlmStub, sdk_env: LlmStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "oauth-token-0123456789")
    provider = AnthropicProvider(policy=FAST)
    await provider.complete(ask())
    await provider.aclose()
    assert (stub.received[0].key, stub.received[0].auth) == ("oauth-token-0123456789", "bearer")


async def test_a_credentials_profile_puts_its_token_on_each_call(
    stub: LlmStub, sdk_env: LlmStub, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, transport: Transport
) -> None:
    """An SDK profile (`ANTHROPIC_PROFILE`) whose token a sidecar rotates in its credentials file: the SDK reads the
    token for each request, so the adapter sends through the SDK's own `post` rather than fixed headers."""
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    (tmp_path / "configs").mkdir()
    (tmp_path / "credentials").mkdir()
    (tmp_path / "configs" / "ops.json").write_text(json.dumps({"authentication": {"type": "user_oauth"}}))
    token_file = tmp_path / "credentials" / "ops.json"
    token_file.touch(mode=0o600)
    token_file.write_text(
        json.dumps({"access_token": "profile-token-0123456789", "expires_at": int(time.time()) + 3600})
    )
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("ANTHROPIC_PROFILE", "ops")
    provider = AnthropicProvider(policy=FAST, transport=transport)

    completion = await provider.complete(ask())
    streamed = [event async for event in provider.stream(ask())]
    await provider.aclose()

    assert completion.text
    assert streamed[-1] == Completion(completion.text, completion.input_tokens, completion.output_tokens)
    assert [(r.key, r.auth) for r in stub.received] == [("profile-token-0123456789", "bearer")] * 2


async def test_no_key_appears_in_an_error_message(stub: LlmStub) -> None:
    provider = AnthropicProvider(base_url=stub.anthropic_url, api_key=ANTHROPIC_KEY, policy=RetryPolicy(2, 0, 0.001))
    for status in (400, 401, 403, 429, 500):
        stub.script(Failure(status, f"bad key {USER_KEY} / {ANTHROPIC_KEY}"))
        with pytest.raises(LlmError) as raised:
            await provider.complete(ask(api_key=USER_KEY))
        assert USER_KEY not in str(raised.value)
        assert ANTHROPIC_KEY not in str(raised.value)
    await provider.aclose()


async def test_a_missing_key_fails_clearly_without_calling(
    stub: LlmStub, sdk_env: LlmStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    provider = AnthropicProvider(policy=FAST)
    with pytest.raises(LlmAuthFailed, match="ANTHROPIC_API_KEY"):
        await provider.complete(ask())
    await provider.aclose()
    assert stub.received == []
