"""`OpenAIProvider` through the official `openai` SDK against the loopback stub."""

from __future__ import annotations

import socket

import pytest

from promptsaas.adapters.llm.clients import Transport
from promptsaas.adapters.llm.faults import RetryPolicy
from promptsaas.adapters.llm.openai import OpenAIProvider
from promptsaas.adapters.llm.registry import BUILTIN_MODELS
from promptsaas.application.ports.llm import ChatMessage, LlmRequest
from promptsaas.domain.conversations import ImagePart, Role, TextPart
from promptsaas.domain.errors import LlmAuthFailed, LlmError
from promptsaas.domain.prompts import ModelParams
from tests.integration.llm.conftest import FAST, OPENAI_KEY, USER_KEY, ask
from tests.support.llm_stub import Disconnect, Failure, Hang, LlmStub, Malformed, Reply, Step

PRICES = {m.id: m for m in BUILTIN_MODELS}


async def test_system_history_and_parameters_reach_the_wire(openai_provider: OpenAIProvider, stub: LlmStub) -> None:
    history = (
        ChatMessage(Role.USER, (TextPart("What is 2+2?"),)),
        ChatMessage(Role.ASSISTANT, (TextPart("4"),)),
        ChatMessage(Role.USER, (TextPart("And 3+3?"),)),
    )
    params = ModelParams(temperature=0.3, max_output_tokens=77, top_p=0.8, stop=("END", "STOP"))
    await openai_provider.complete(LlmRequest("gpt-4o-mini", "You are a tutor.", history, params))

    body = stub.received[0].body
    assert stub.received[0].path == "/v1/chat/completions"
    assert body["model"] == "gpt-4o-mini"
    assert body["messages"] == [
        {"role": "system", "content": "You are a tutor."},
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4"},
        {"role": "user", "content": "And 3+3?"},
    ]
    assert (body["temperature"], body["top_p"], body["stop"]) == (0.3, 0.8, ["END", "STOP"])
    assert body["max_completion_tokens"] == 77
    assert "max_tokens" not in body


async def test_unset_parameters_are_not_sent_but_the_output_budget_always_is(
    openai_provider: OpenAIProvider, stub: LlmStub
) -> None:
    await openai_provider.complete(ask())
    body = stub.received[0].body
    assert not {"temperature", "top_p", "stop"} & body.keys()
    assert body["max_completion_tokens"] == ModelParams().output_budget


async def test_usage_comes_from_the_response_and_cost_from_the_registry(
    openai_provider: OpenAIProvider, stub: LlmStub
) -> None:
    stub.script(Reply("Four.", input_tokens=1000, output_tokens=500))
    completion = await openai_provider.complete(ask())
    assert (completion.text, completion.input_tokens, completion.output_tokens) == ("Four.", 1000, 500)
    # gpt-4o-mini: $0.15 in, $0.60 out per million tokens = 150 + 300 micro-USD
    assert PRICES["openai:gpt-4o-mini"].cost_micros(completion.input_tokens, completion.output_tokens) == 450


async def test_images_travel_as_image_url_parts(openai_provider: OpenAIProvider, stub: LlmStub) -> None:
    by_url = ImagePart("", url="https://example.com/cat.png")
    inline = ImagePart("image/png", data="iVBORw0KGgo=")
    await openai_provider.complete(ask("What is this?", by_url, inline))
    assert stub.received[0].messages[-1]["content"] == [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
    ]


@pytest.mark.parametrize("fault", [Failure(503), Failure(500), Failure(429), Disconnect()], ids=repr)
async def test_a_transient_fault_is_retried_and_the_call_succeeds(
    openai_provider: OpenAIProvider, stub: LlmStub, fault: Step
) -> None:
    stub.script(fault, Reply("ok"))
    assert (await openai_provider.complete(ask())).text == "ok"
    assert len(stub.received) == 2


@pytest.mark.parametrize(
    ("fault", "code", "attempts"),
    [
        (Failure(503), "llm_unavailable", 3),
        (Failure(429), "llm_rate_limited", 3),
        (Disconnect(), "llm_unavailable", 3),
        (Failure(400), "llm_bad_request", 1),
        (Failure(404), "llm_bad_request", 1),
        (Failure(422), "llm_bad_request", 1),
        (Failure(401), "llm_auth_failed", 1),
        (Failure(403), "llm_auth_failed", 1),
        (Hang(), "llm_timeout", 1),
        (Malformed(), "llm_unavailable", 1),
        (Malformed(b"<html>busy</html>", content_type="text/html"), "llm_unavailable", 1),
    ],
    ids=repr,
)
async def test_faults_become_typed_errors_after_bounded_retries(
    stub: LlmStub, transport: Transport, fault: Step, code: str, attempts: int
) -> None:
    provider = OpenAIProvider(base_url=stub.openai_url, api_key=OPENAI_KEY, policy=FAST, transport=transport)
    stub.default = fault
    with pytest.raises(LlmError) as raised:
        await provider.complete(ask())
    await provider.aclose()
    assert raised.value.code == code
    assert len(stub.received) == attempts


async def test_the_deadline_covers_the_whole_call(stub: LlmStub, transport: Transport) -> None:
    policy = RetryPolicy(0.3, 2, 0.001)
    provider = OpenAIProvider(base_url=stub.openai_url, api_key=OPENAI_KEY, policy=policy, transport=transport)
    stub.script(Failure(503), Hang())
    with pytest.raises(LlmError) as raised:
        await provider.complete(ask())
    await provider.aclose()
    assert raised.value.code == "llm_timeout"
    assert "0.3 s" in raised.value.message


async def test_a_users_own_key_reaches_the_provider(openai_provider: OpenAIProvider, stub: LlmStub) -> None:
    await openai_provider.complete(ask(api_key=USER_KEY))
    await openai_provider.complete(ask())
    assert stub.keys == [USER_KEY, OPENAI_KEY]
    assert [r.auth for r in stub.received] == ["bearer", "bearer"]


async def test_every_key_shares_one_pooled_connection(openai_provider: OpenAIProvider, stub: LlmStub) -> None:
    for key in (None, USER_KEY, "sk-another-user-0000000000", USER_KEY, None):
        await openai_provider.complete(ask(api_key=key))
    assert len({r.peer for r in stub.received}) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422, 429, 500])
async def test_no_key_appears_in_an_error_message(stub: LlmStub, status: int) -> None:
    provider = OpenAIProvider(base_url=stub.openai_url, api_key=OPENAI_KEY, policy=RetryPolicy(2, 0, 0.001))
    masked = USER_KEY[:8] + "****" + USER_KEY[-4:]
    stub.default = Failure(status, f"Incorrect API key provided: {masked}; you sent {USER_KEY} (platform {OPENAI_KEY})")
    with pytest.raises(LlmError) as raised:
        await provider.complete(ask(api_key=USER_KEY))
    await provider.aclose()
    text = str(raised.value)
    assert USER_KEY not in text
    assert OPENAI_KEY not in text
    assert masked not in text
    assert USER_KEY[-4:] not in text
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None


async def test_a_missing_platform_key_fails_clearly_without_calling(
    stub: LlmStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROMPTSAAS_TEST_NO_KEY", raising=False)
    provider = OpenAIProvider("openai", base_url=stub.openai_url, key_env="PROMPTSAAS_TEST_NO_KEY", policy=FAST)
    with pytest.raises(LlmAuthFailed, match="PROMPTSAAS_TEST_NO_KEY"):
        await provider.complete(ask())
    assert (await provider.complete(ask(api_key=USER_KEY))).text
    await provider.aclose()
    assert stub.keys == [USER_KEY]


async def test_a_compatible_server_under_a_base_path_gets_max_tokens(stub: LlmStub) -> None:
    provider = OpenAIProvider(
        "gemini",
        base_url=f"{stub.url}/v1beta/openai/",
        key_env=None,
        api_key="gm-key-0123456789",
        policy=FAST,
        max_tokens_field="max_tokens",
    )
    await provider.complete(ask(params=ModelParams(max_output_tokens=42)))
    await provider.aclose()
    assert stub.received[0].path == "/v1beta/openai/chat/completions"
    assert stub.received[0].body["max_tokens"] == 42
    assert stub.keys == ["gm-key-0123456789"]


async def test_nothing_listening_is_unavailable_after_the_retries(transport: Transport) -> None:
    port = closed_port()
    policy = RetryPolicy(timeout_seconds=5, max_retries=2, backoff_seconds=0.001)
    provider = OpenAIProvider(
        base_url=f"http://127.0.0.1:{port}/v1", api_key=OPENAI_KEY, policy=policy, transport=transport
    )
    with pytest.raises(LlmError) as raised:
        await provider.complete(ask())
    await provider.aclose()
    assert raised.value.code == "llm_unavailable"
    assert raised.value.message == "cannot reach openai"


async def test_calls_go_through_the_environments_proxy_unless_no_proxy_exempts_the_host(
    stub: LlmStub, transport: Transport, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stub stands in for the proxy: nothing listens at the endpoint's own address."""
    port = closed_port()
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", stub.url)
    policy = RetryPolicy(timeout_seconds=5, max_retries=0)

    def provider() -> OpenAIProvider:
        return OpenAIProvider(
            base_url=f"http://127.0.0.1:{port}/v1", api_key=OPENAI_KEY, policy=policy, transport=transport
        )

    proxied = provider()
    stub.script(Reply("Via the proxy."))
    assert (await proxied.complete(ask())).text == "Via the proxy."
    await proxied.aclose()
    assert stub.received[0].path == "/v1/chat/completions"

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    direct = provider()
    with pytest.raises(LlmError) as raised:
        await direct.complete(ask())
    await direct.aclose()
    assert raised.value.code == "llm_unavailable"
    assert len(stub.received) == 1


async def test_a_compressed_refusal_reaches_the_caller_with_the_providers_message(
    stub: LlmStub, transport: Transport
) -> None:
    """A provider (or the proxy in front of it) that gzips its error bodies: the refusal's text is still read."""
    provider = OpenAIProvider(base_url=stub.openai_url, api_key=OPENAI_KEY, policy=FAST, transport=transport)
    stub.script(Failure(400, "max_tokens is too large for this model", compressed=True))
    with pytest.raises(LlmError) as raised:
        await provider.complete(ask())
    await provider.aclose()
    assert raised.value.code == "llm_bad_request"
    assert "max_tokens is too large for this model" in raised.value.message


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
