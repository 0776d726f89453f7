"""The Messages API with the official `anthropic` SDK.

As in the OpenAI adapter, the SDK client of each key gives the URL, headers, timeout and error types, `direct` sends
(on aiohttp's session, or the SDK's httpx2 client) and `anthropic_wire` reads the answer. A client whose credentials
come from a provider (an SDK profile, workload identity: `client.credentials`) has its token put on each request by
the SDK, so it sends through the SDK client's own `post`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

import anthropic
from anthropic.types import ContentBlockParam, ImageBlockParam, MessageParam

from promptsaas.adapters.llm import anthropic_wire
from promptsaas.adapters.llm.clients import ClientPool, Transport, sdk_base_url
from promptsaas.adapters.llm.direct import Connections, DirectPost, SdkPost
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
from promptsaas.adapters.llm.streams import ProviderStreamError, RawStream, relay
from promptsaas.application.ports.llm import (
    Completion,
    LlmProvider,
    LlmRequest,
    StreamEvent,
    TextDelta,
)
from promptsaas.domain.conversations import ImagePart, Part, Role, text_of
from promptsaas.domain.errors import LlmBadRequest, LlmUnavailable
from promptsaas.domain.prompts import ModelParams
from promptsaas.domain.replies import FinishReason

MESSAGES = "/v1/messages"
DEFAULT_BASE_URL = "https://api.anthropic.com"
"""The SDK's own, used when `ANTHROPIC_BASE_URL` is set but empty (a profile's base URL is then not consulted)."""
MediaType = Literal["image/jpeg", "image/png", "image/gif", "image/webp"]
MEDIA_TYPES: dict[str, MediaType] = {t: t for t in ("image/jpeg", "image/png", "image/gif", "image/webp")}
FINISH_REASONS = {
    "max_tokens": FinishReason.LENGTH,
    "model_context_window_exceeded": FinishReason.LENGTH,
    "refusal": FinishReason.CONTENT_FILTER,
}
"""The Messages API's `stop_reason`s other than a natural end (`end_turn`, `stop_sequence`)."""


class AnthropicProvider(LlmProvider):
    def __init__(
        self,
        name: str = "anthropic",
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        policy: RetryPolicy | None = None,
        transport: Transport = "aiohttp",
    ) -> None:
        """Without `api_key` or `base_url` the SDK resolves its own: `ANTHROPIC_API_KEY` or `ANTHROPIC_AUTH_TOKEN`,
        and `ANTHROPIC_BASE_URL`, empty meaning Anthropic's (SDK 2.x sends either credential as a bearer token; 0.x
        sent `x-api-key`)."""
        self.name = name
        self._base_url = base_url
        self._api_key = api_key
        self._policy = policy or RetryPolicy()
        self._transport = transport
        self._clients: ClientPool[_Endpoint, Connections] = ClientPool(self._endpoint, self._connect)

    async def complete(self, request: LlmRequest) -> Completion:
        endpoint = self._clients.get(request.api_key)
        secrets = endpoint.secrets

        async def attempt() -> Completion:
            return _completion(anthropic_wire.message(await endpoint.post(_body(request))))

        return await call_with_retries(self.name, attempt, lambda exc: self._fault(exc, secrets), self._policy)

    def stream(self, request: LlmRequest) -> AsyncIterator[StreamEvent]:
        """The Messages API with `stream: true`: text deltas, usage from `message_start` and `message_delta`."""
        endpoint = self._clients.get(request.api_key)
        secrets = endpoint.secrets

        async def open_stream() -> RawStream:
            return await endpoint.post.stream({**_body(request), "stream": True})

        def classify(exc: Exception) -> Fault | None:
            if isinstance(exc, ProviderStreamError):  # an `error` event mid-stream
                detail = redact(str(exc), secrets)
                return Fault(LlmUnavailable(f"{self.name} failed while streaming: {detail}"))
            return self._fault(exc, secrets)

        return relay(self.name, open_stream, _events, classify, self._policy)

    async def aclose(self) -> None:
        await self._clients.aclose()

    def _endpoint(self, api_key: str | None, connections: Connections) -> _Endpoint:
        """The SDK client for `api_key` (it resolves the base URL and the credential from its arguments and
        environment), and the Messages endpoint for `direct`: the client's URL and headers, its credential's
        `Authorization` among them, as the SDK's `post` sends them."""
        try:
            client = anthropic.AsyncAnthropic(
                api_key=api_key or self._api_key,
                base_url=sdk_base_url(self._base_url, "ANTHROPIC_BASE_URL", DEFAULT_BASE_URL),
                max_retries=0,
                timeout=self._policy.sdk_timeout,
                http_client=connections.http,
            )
        except anthropic.CredentialsError:
            raise missing_key(self.name, "ANTHROPIC_API_KEY") from None
        if client.api_key is None and client.auth_token is None and client.credentials is None:
            raise missing_key(self.name, "ANTHROPIC_API_KEY")
        secrets = (api_key, client.api_key, client.auth_token)
        if client.credentials is not None:  # the SDK puts a fresh token on each request
            _ = client.messages  # imports the resource now, not inside the first call's deadline
            return _Endpoint(secrets, SdkPost(client, MESSAGES))
        url = str(client.base_url).rstrip("/") + MESSAGES
        return _Endpoint(secrets, connections.post(url, client.default_headers, self._policy.sdk_timeout, anthropic))

    def _connect(self) -> Connections:
        return Connections(anthropic.DefaultAsyncHttpxClient(), aiohttp_session=self._transport == "aiohttp")

    def _fault(self, exc: Exception, secrets: tuple[str | None, ...]) -> Fault | None:
        if isinstance(exc, anthropic.CredentialsError):
            return Fault(missing_key(self.name, "ANTHROPIC_API_KEY"))
        if isinstance(exc, anthropic.APIConnectionError):  # timeouts included: see `RetryPolicy.sdk_timeout`
            return connection_fault(self.name)
        if isinstance(exc, anthropic.APIStatusError):
            detail = redact(provider_message(exc.body), secrets)
            retry_after = retry_after_seconds(exc.response.headers.get("retry-after"))
            return status_fault(self.name, exc.status_code, detail, retry_after)
        if isinstance(exc, InvalidResponse | anthropic.APIResponseValidationError | ValueError):
            return invalid_response_fault(self.name)
        return None


@dataclass(frozen=True, slots=True)
class _Endpoint:
    secrets: tuple[str | None, ...]
    """What an error message must not show: the caller's key and the client's credential."""
    post: DirectPost


def _body(request: LlmRequest) -> dict[str, object]:
    """The Messages body as the wire takes it (no re-check of these wire-shaped dicts against the SDK's
    TypedDicts)."""
    system = "\n\n".join(
        [request.system, *(text_of(m.parts) for m in request.messages if m.role is Role.SYSTEM)]
    ).strip()
    params = request.params
    body: dict[str, object] = {
        "model": request.model,
        "max_tokens": params.output_budget,
        "messages": _messages(request),
        **_sampling(params),
    }
    if system:
        body["system"] = system
    if params.stop:
        body["stop_sequences"] = list(params.stop)
    return body


def _sampling(params: ModelParams) -> dict[str, object]:
    """Temperature and top_p go in the body: the SDK dropped them from `create` (recent models refuse them)."""
    sampling: dict[str, object] = {}
    if params.temperature is not None:
        sampling["temperature"] = params.temperature
    if params.top_p is not None:
        sampling["top_p"] = params.top_p
    return sampling


def _messages(request: LlmRequest) -> list[MessageParam]:
    out: list[MessageParam] = []
    for message in request.messages:
        if message.role is Role.ASSISTANT:
            out.append({"role": "assistant", "content": text_of(message.parts)})
        elif message.role is Role.USER:
            out.append({"role": "user", "content": _blocks(message.parts)})
    return out


def _blocks(parts: tuple[Part, ...]) -> list[ContentBlockParam]:
    blocks: list[ContentBlockParam] = []
    for part in parts:
        if isinstance(part, ImagePart):
            blocks.append(image_block(part))
        elif part.text:
            blocks.append({"type": "text", "text": part.text})
    return blocks


def image_block(image: ImagePart) -> ImageBlockParam:
    """An image as the Messages API takes it: a URL source, or base64 data with its media type."""
    if image.url is not None:
        return {"type": "image", "source": {"type": "url", "url": image.url}}
    media_type = MEDIA_TYPES.get(image.mime_type.lower())
    if media_type is None or image.data is None:
        raise LlmBadRequest(f"anthropic does not take images of type {image.mime_type!r}")
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": image.data}}


def _completion(response: anthropic_wire.Message) -> Completion:
    text = "".join(block.text or "" for block in response.content if block.type == "text")
    finish = _finish_reason(response.stop_reason)
    return Completion(text, response.usage.all_input_tokens, response.usage.output_tokens, finish)


async def _events(stream: RawStream) -> AsyncIterator[StreamEvent]:
    pieces: list[str] = []
    input_tokens = output_tokens = 0
    stop_reason = None
    async for event in anthropic_wire.events(stream.chunks):
        if event.type == "message_start" and event.message is not None:
            usage = event.message.usage
            input_tokens, output_tokens = usage.all_input_tokens, usage.output_tokens
        elif event.type == "content_block_delta" and event.delta and event.delta.type == "text_delta":
            text = event.delta.text or ""
            pieces.append(text)
            yield TextDelta(text)
        elif event.type == "message_delta":
            output_tokens = event.usage.output_tokens if event.usage is not None else output_tokens
            stop_reason = event.delta.stop_reason if event.delta is not None else stop_reason
    yield Completion("".join(pieces), input_tokens, output_tokens, _finish_reason(stop_reason))


def _finish_reason(stop_reason: str | None) -> FinishReason:
    return FINISH_REASONS.get(stop_reason or "", FinishReason.STOP)
