"""Named OpenAI-compatible endpoints: one setting away from `gemini:...` or `ollama:...`."""

from __future__ import annotations

import pytest

from promptsaas.entrypoints.composition.llm_endpoints import parse_endpoints
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform
from tests.integration.llm.conftest import catalog, fast_settings
from tests.support.llm_stub import LlmStub, Reply

ANN = "ann@example.com"


def test_endpoints_parse_from_one_variable() -> None:
    env = {
        "PROMPTSAAS_LLM_ENDPOINTS": "gemini=https://g.example/v1beta/openai/|GEMINI_API_KEY, ollama=http://127.0.0.1:11434/v1|",
        "GEMINI_API_KEY": "gm-secret",
    }
    settings = Settings.from_env(env)
    gemini, ollama = settings.llm_endpoints
    assert (gemini.name, gemini.base_url, gemini.key_env, gemini.api_key) == (
        "gemini",
        "https://g.example/v1beta/openai/",
        "GEMINI_API_KEY",
        "gm-secret",
    )
    assert (ollama.name, ollama.key_env, ollama.api_key) == ("ollama", None, None)
    assert "gm-secret" not in repr(settings)


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ("openai=https://x.example/v1|K", "new lowercase name"),
        ("Gemini=https://x.example/v1|K", "new lowercase name"),
        ("gemini", "new lowercase name"),
        ("gemini=ftp://x.example|K", "must be http(s)"),
        ("a=http://x.example|,a=http://y.example|", "configured twice"),
    ],
)
def test_a_bad_endpoint_setting_is_a_startup_error(spec: str, complaint: str) -> None:
    with pytest.raises(ValueError, match="PROMPTSAAS_LLM_ENDPOINTS") as raised:
        parse_endpoints(spec, {})
    assert complaint in str(raised.value)


def test_an_unknown_transport_is_a_startup_error() -> None:
    with pytest.raises(ValueError, match="PROMPTSAAS_LLM_TRANSPORT"):
        Settings.from_env({"PROMPTSAAS_LLM_TRANSPORT": "curl"})


async def test_an_agent_on_a_named_endpoint_calls_it_with_its_key(sdk_env: LlmStub) -> None:
    env = {
        "PROMPTSAAS_LLM_ENDPOINTS": f"gemini={sdk_env.url}/v1beta/openai/|GEMINI_API_KEY",
        "GEMINI_API_KEY": "gm-key-0123456789",
    }
    settings = fast_settings(llm_endpoints=Settings.from_env(env).llm_endpoints)
    async with AsyncPlatform.in_memory(settings) as platform:
        acme = await platform.create_tenant("acme")
        document = catalog()
        document["agents"][0]["prompt"]["model"] = "gemini:gemini-2.5-flash"
        await acme.apply_catalog(document)
        await acme.create_user(ANN)
        sdk_env.script(Reply("hi", input_tokens=1000, output_tokens=1000))
        reply = await acme.chat(ANN, "gpt", "Hello")

    [received] = sdk_env.received
    assert received.path == "/v1beta/openai/chat/completions"
    assert (received.key, received.model, received.body["max_tokens"]) == ("gm-key-0123456789", "gemini-2.5-flash", 600)
    assert reply.usage.cost_micros == 300 + 2500  # $0.30 in, $2.50 out per million tokens


async def test_a_keyless_local_server_with_a_catalog_model(sdk_env: LlmStub) -> None:
    settings = fast_settings(llm_endpoints=parse_endpoints(f"ollama={sdk_env.url}/v1|", {}))
    llama = {"id": "ollama:llama3.2", "input_usd_per_mtok": 0, "output_usd_per_mtok": 0, "context_window": 131072}
    async with AsyncPlatform.in_memory(settings) as platform:
        acme = await platform.create_tenant("acme")
        document = catalog(models=[llama])
        document["agents"][0]["prompt"]["model"] = "ollama:llama3.2"
        await acme.apply_catalog(document)
        await acme.create_user(ANN)
        reply = await acme.chat(ANN, "gpt", "Hello")

    assert reply.text == "stub: Hello"
    assert reply.usage.cost_micros == 0
    assert sdk_env.received[0].model == "llama3.2"
