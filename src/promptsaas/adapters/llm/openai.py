"""Chat Completions with the official `openai` SDK: OpenAI itself, or any OpenAI-compatible server.

The SDK client of each key gives the endpoint's URL, headers, timeout and error types; requests are sent by
`direct` (on aiohttp's session, or the SDK's httpx2 client) and answers read by `openai_wire`, without the SDK's
per-request machinery.

The same class serves named endpoints (Gemini's compatibility endpoint, Ollama, vLLM, ...): a name, a base URL and
the environment variable holding its key.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

import httpx2
import openai
from openai.types.chat import ChatCompletionContentPartParam, ChatCompletionMessageParam

from promptsaas.adapters.llm.clients import ClientPool, Transport, sdk_base_url
from promptsaas.adapters.llm.direct import Connections, DirectPost
from promptsaas.adapters.llm.faults import (
    Fault,
    InvalidResponse,
    RetryPolicy,
    call_with_retries,
    connection_fault,
    invalid_response_fault,
    missing_key,
    provider_message,
    redact,
    retry_after_seconds,
    status_fault,
)
from promptsaas.adapters.llm.openai_wire import Reply, Usage, chunks, reply
from promptsaas.adapters.llm.streams import ProviderStreamError, RawStream, relay
from promptsaas.application.ports.llm import (
    ChatMessage,
    Completion,
    LlmProvider,
    LlmRequest,
    StreamEvent,
    TextDelta,
)
from promptsaas.domain.conversations import ImagePart, Role, text_of
from promptsaas.domain.errors import LlmUnavailable
from promptsaas.domain.replies import FinishReason

log = logging.getLogger(__name__)

MaxTokensField = Literal["max_tokens", "max_completion_tokens"]
CHAT_COMPLETIONS = "/chat/completions"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
"""The SDK's own, used when `OPENAI_BASE_URL` is set but empty."""
KEYLESS = "not-needed"
"""Sent to a keyless local server (Ollama, vLLM): the SDK insists on a key."""
FINISH_REASONS = {"length": FinishReason.LENGTH, "content_filter": FinishReason.CONTENT_FILTER}
"""Chat Completions' `finish_reason`s other than a natural end (`stop`; `tool_calls` is never asked for)."""


class OpenAIProvider(LlmProvider):
    def __init__(
        self,
        name: str = "openai",
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        key_env: str | None = "OPENAI_API_KEY",
        policy: RetryPolicy | None = None,
        transport: Transport = "aiohttp",
        max_tokens_field: MaxTokensField = "max_completion_tokens",
    ) -> None:
        """`base_url=None` lets the SDK read `OPENAI_BASE_URL` (empty: OpenAI's own); the platform key is `api_key`,
        else `$key_env`.

        OpenAI wants `max_completion_tokens` (its reasoning models refuse `max_tokens`); compatible servers
        understand `max_tokens`.
        """
        self.name = name
        self._base_url = base_url
        self._api_key = api_key
        self._key_env = key_env
        self._policy = policy or RetryPolicy()
        self._transport = transport
        self._max_tokens_field = max_tokens_field
        self._clients: ClientPool[_Endpoint, Connections] = ClientPool(self._endpoint, self._connect)

    async def complete(self, request: LlmRequest) -> Completion:
        endpoint = self._clients.get(request.api_key)
        key = endpoint.key

        async def attempt() -> Completion:
            return _completion(request, reply(await endpoint.post(self._body(request))))

        return await call_with_retries(self.name, attempt, lambda exc: self._fault(exc, key), self._policy)

    def stream(self, request: LlmRequest) -> AsyncIterator[StreamEvent]:
        """Chat Completions with `stream: true` and `include_usage`, so the last chunk carries the real usage."""
        endpoint = self._clients.get(request.api_key)
        key = endpoint.key

        async def open_stream() -> RawStream:
            body = {**self._body(request), "stream": True, "stream_options": {"include_usage": True}}
            return await endpoint.post.stream(body)

        def classify(exc: Exception) -> Fault | None:
            if isinstance(exc, ProviderStreamError):
                return Fault(LlmUnavailable(f"{self.name} failed while streaming"))
            return self._fault(exc, key)

        return relay(self.name, open_stream, lambda chunks: _events(request, chunks), classify, self._policy)

    async def aclose(self) -> None:
        await self._clients.aclose()

    def _body(self, request: LlmRequest) -> dict[str, object]:
        params = request.params
        body: dict[str, object] = {"model": request.model, "messages": _messages(request)}
        if params.temperature is not None:
            body["temperature"] = params.temperature
        if params.top_p is not None:
            body["top_p"] = params.top_p
        if params.stop:
            body["stop"] = list(params.stop)
        body[self._max_tokens_field] = params.output_budget
        return body

    def _endpoint(self, api_key: str | None, connections: Connections) -> _Endpoint:
        """The SDK client for `api_key` (it resolves the base URL, organisation and project from its arguments and
        environment), and its Chat Completions endpoint for `direct`: the client's URL and headers with the key's
        `Authorization`, as the SDK's `post` sends them."""
        key = api_key or self._platform_key()
        timeout = self._policy.sdk_timeout
        base_url = sdk_base_url(self._base_url, "OPENAI_BASE_URL", DEFAULT_BASE_URL)
        client = openai.AsyncOpenAI(
            api_key=key, base_url=base_url, max_retries=0, timeout=timeout, http_client=connections.http
        )
        url = str(client.base_url).rstrip("/") + CHAT_COMPLETIONS
        headers = {**client.default_headers, "Authorization": f"Bearer {key}"}
        return _Endpoint(key, connections.post(url, headers, timeout, openai))

    def _platform_key(self) -> str:
        key = self._api_key or (os.environ.get(self._key_env) if self._key_env else KEYLESS)
        if not key:
            raise missing_key(self.name, self._key_env)
        return key

    def _connect(self) -> Connections:
        return Connections(openai.DefaultAsyncHttpxClient(), aiohttp_session=self._transport == "aiohttp")

    def _fault(self, exc: Exception, key: str | None) -> Fault | None:
        if isinstance(exc, openai.APIConnectionError):  # timeouts included: see `RetryPolicy.sdk_timeout`
            return connection_fault(self.name)
        if isinstance(exc, openai.APIStatusError):
            detail = redact(provider_message(exc.body), (key,))
            return status_fault(self.name, exc.status_code, detail, _retry_after(exc.response))
        if isinstance(exc, InvalidResponse | openai.APIResponseValidationError | ValueError):
            return invalid_response_fault(self.name)
        return None


@dataclass(frozen=True, slots=True)
class _Endpoint:
    key: str
    post: DirectPost


def _messages(request: LlmRequest) -> list[ChatCompletionMessageParam]:
    out: list[ChatCompletionMessageParam] = []
    if request.system:
        out.append({"role": "system", "content": request.system})
    for message in request.messages:
        out.append(_message(message))
    return out


def _message(message: ChatMessage) -> ChatCompletionMessageParam:
    if message.role is Role.ASSISTANT:
        return {"role": "assistant", "content": text_of(message.parts)}
    if message.role is Role.SYSTEM:
        return {"role": "system", "content": text_of(message.parts)}
    if all(not isinstance(part, ImagePart) for part in message.parts):
        return {"role": "user", "content": text_of(message.parts)}
    parts: list[ChatCompletionContentPartParam] = []
    for part in message.parts:
        if isinstance(part, ImagePart):
            parts.append({"type": "image_url", "image_url": {"url": image_url(part)}})
        elif part.text:
            parts.append({"type": "text", "text": part.text})
    return {"role": "user", "content": parts}


def image_url(image: ImagePart) -> str:
    """An image as Chat Completions takes it: its URL, or its data as a `data:` URL."""
    if image.url is not None:
        return image.url
    return f"data:{image.mime_type};base64,{image.data}"


def _completion(request: LlmRequest, response: Reply) -> Completion:
    choice = response.choices[0]
    text = choice.message.content or choice.message.refusal or ""
    return _completed(request, text, response.usage, choice.finish_reason)


async def _events(request: LlmRequest, stream: RawStream) -> AsyncIterator[StreamEvent]:
    pieces: list[str] = []
    usage = finish_reason = None
    async for chunk in chunks(stream.chunks):
        usage = chunk.usage or usage
        for choice in chunk.choices[:1]:
            finish_reason = choice.finish_reason or finish_reason
            text = choice.delta.content or choice.delta.refusal
            if text:
                pieces.append(text)
                yield TextDelta(text)
    yield _completed(request, "".join(pieces), usage, finish_reason)


def _completed(request: LlmRequest, text: str, usage: Usage | None, finish_reason: str | None) -> Completion:
    finish = FINISH_REASONS.get(finish_reason or "", FinishReason.STOP)
    if usage is None:
        log.warning("no usage reported for model %s; charging an estimate", request.model)
        return Completion(text, *estimated_usage(request, text), finish)
    return Completion(text, usage.prompt_tokens, usage.completion_tokens, finish)


def estimated_usage(request: LlmRequest, text: str) -> tuple[int, int]:
    """Tokens from text length (four characters a token) when a compatible server reports no usage."""
    prompt = request.system + "".join(text_of(m.parts) for m in request.messages)
    return max(1, -(-len(prompt) // 4)), -(-len(text) // 4)


def _retry_after(response: httpx2.Response) -> float | None:
    millis = retry_after_seconds(response.headers.get("retry-after-ms"))
    return millis / 1000 if millis is not None else retry_after_seconds(response.headers.get("retry-after"))
