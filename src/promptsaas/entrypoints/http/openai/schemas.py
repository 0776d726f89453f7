"""Chat Completions bodies as OpenAI's SDKs send and read them (unknown fields are ignored, as OpenAI adds some)."""

from __future__ import annotations

from typing import Any

import msgspec


class ImageUrl(msgspec.Struct):
    url: str
    detail: str | None = None


class ContentPart(msgspec.Struct):
    type: str
    text: str | None = None
    image_url: ImageUrl | None = None


class MessageIn(msgspec.Struct):
    role: str
    content: str | list[ContentPart] | None = None
    name: str | None = None


class StreamOptions(msgspec.Struct):
    include_usage: bool = False


class CompletionCreate(msgspec.Struct, kw_only=True):
    model: str
    messages: list[MessageIn]
    stream: bool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    max_completion_tokens: int | None = None
    stop: str | list[str] | None = None
    n: int | None = None
    tools: list[Any] | None = None
    functions: list[Any] | None = None
    audio: Any | None = None
    modalities: list[str] | None = None
    user: str | None = None
    variables: dict[str, Any] | None = None
    style: str | None = None


class ModelCard(msgspec.Struct):
    id: str
    created: int
    owned_by: str
    object: str = "model"


class ModelList(msgspec.Struct):
    data: list[ModelCard]
    object: str = "list"


class Usage(msgspec.Struct):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class MessageOut(msgspec.Struct):
    content: str
    role: str = "assistant"
    refusal: None = None


class Choice(msgspec.Struct):
    message: MessageOut
    index: int = 0
    finish_reason: str = "stop"
    """`stop`, `length` (cut at `max_tokens`) or `content_filter`."""
    logprobs: None = None


class Completion(msgspec.Struct):
    id: str
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    object: str = "chat.completion"


class Delta(msgspec.Struct, omit_defaults=True):
    content: str | None = None
    role: str | None = None


class ChunkChoice(msgspec.Struct):
    delta: Delta
    index: int = 0
    finish_reason: str | None = None
    logprobs: None = None


class Chunk(msgspec.Struct):
    id: str
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    object: str = "chat.completion.chunk"


class ErrorDetail(msgspec.Struct):
    message: str
    type: str
    param: str | None
    code: str


class ErrorBody(msgspec.Struct):
    error: ErrorDetail
