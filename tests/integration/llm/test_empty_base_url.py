"""`OPENAI_BASE_URL=` and `ANTHROPIC_BASE_URL=` (as `cp .env.example .env` and compose's `env_file` pass them) mean
the provider's own address, not the empty URL the SDKs would take them for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from promptsaas.adapters.llm.anthropic import AnthropicProvider
from promptsaas.adapters.llm.clients import Transport
from promptsaas.adapters.llm.faults import RetryPolicy
from promptsaas.adapters.llm.openai import OpenAIProvider
from promptsaas.application.ports.llm import LlmProvider
from promptsaas.domain.errors import LlmError
from tests.integration.llm.conftest import ANTHROPIC_KEY, OPENAI_KEY, SDK_VARIABLES, ask
from tests.support.llm_stub import LlmStub, Reply

ONCE = RetryPolicy(timeout_seconds=5, max_retries=0)
PROXY_VARIABLES = ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY")


class RefusingProxy:
    """An HTTPS proxy on loopback that writes down where each `CONNECT` was headed and refuses it: it shows which
    host a call sought without reaching the internet."""

    def __init__(self) -> None:
        self.targets: list[str] = []
        self.url = ""
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> RefusingProxy:
        self._server = await asyncio.start_server(self._refuse, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _refuse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        method, target, *_ = (await reader.readline()).decode("latin-1").split()
        if method == "CONNECT":
            self.targets.append(target)
        writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()


@pytest.fixture
async def proxy(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[RefusingProxy]:
    for name in SDK_VARIABLES + PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    async with RefusingProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        yield proxy


def providers(transport: Transport, base_url: str | None = None) -> dict[str, LlmProvider]:
    return {
        "OPENAI_BASE_URL": OpenAIProvider(base_url=base_url, api_key=OPENAI_KEY, policy=ONCE, transport=transport),
        "ANTHROPIC_BASE_URL": AnthropicProvider(
            base_url=base_url, api_key=ANTHROPIC_KEY, policy=ONCE, transport=transport
        ),
    }


@pytest.mark.parametrize(
    ("variable", "host"), [("OPENAI_BASE_URL", "api.openai.com:443"), ("ANTHROPIC_BASE_URL", "api.anthropic.com:443")]
)
@pytest.mark.parametrize("value", ["", "  "])
async def test_an_empty_base_url_variable_sends_calls_to_the_providers_own_address(
    proxy: RefusingProxy, monkeypatch: pytest.MonkeyPatch, transport: Transport, variable: str, host: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    provider = providers(transport)[variable]

    with pytest.raises(LlmError) as raised:  # the proxy refuses: no call leaves this machine
        await provider.complete(ask())
    await provider.aclose()

    assert raised.value.code == "llm_unavailable"
    assert proxy.targets == [host]


@pytest.mark.parametrize("variable", ["OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"])
async def test_an_empty_base_url_variable_leaves_an_explicit_base_url_in_charge(
    stub: LlmStub, monkeypatch: pytest.MonkeyPatch, transport: Transport, variable: str
) -> None:
    monkeypatch.setenv(variable, "")
    url = stub.openai_url if variable == "OPENAI_BASE_URL" else stub.anthropic_url
    provider = providers(transport, url)[variable]
    stub.script(Reply("Here."))

    assert (await provider.complete(ask())).text == "Here."
    await provider.aclose()
    assert len(stub.received) == 1
