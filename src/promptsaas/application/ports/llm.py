"""The LLM port: one completion call to a model provider, whole or streamed, with typed errors (see
`domain.errors.LlmError`)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from promptsaas.domain.conversations import Part, Role
from promptsaas.domain.prompts import ModelParams
from promptsaas.domain.replies import FinishReason


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    parts: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class LlmRequest:
    model: str
    """The provider's own model name (the part after `provider:`)."""
    system: str
    messages: tuple[ChatMessage, ...]
    params: ModelParams
    api_key: str | None = field(default=None, repr=False)
    """A user's own key (BYOK); `None` uses the platform's key."""


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    input_tokens: int
    output_tokens: int
    finish_reason: FinishReason = FinishReason.STOP


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of a streamed reply, in order; the pieces concatenate to the completion's text."""

    text: str


StreamEvent = TextDelta | Completion
"""What a stream yields: text deltas, then exactly one `Completion` (the whole text and the real usage) last."""


class LlmProvider(Protocol):
    takes_user_keys: bool = True
    """Whether a user may store a key of their own for it (BYOK); a local model that needs none (`offline`) does not."""

    @abstractmethod
    async def complete(self, request: LlmRequest) -> Completion:
        """Raise an `LlmError` subclass on failure; never return a partial completion."""

    def stream(self, request: LlmRequest) -> AsyncIterator[StreamEvent]:
        """The reply as it is generated: `TextDelta`s, then the `Completion`. An `LlmError` may come before or after
        some deltas. A provider that cannot stream gives its whole completion as one delta (this default)."""
        return _whole(self, request)


class LlmProviders(Protocol):
    """Finds the adapter serving a provider name (`openai`, `anthropic`, `offline`, a configured endpoint)."""

    @abstractmethod
    def get(self, provider: str) -> LlmProvider: ...

    @abstractmethod
    def names(self) -> frozenset[str]: ...


async def _whole(provider: LlmProvider, request: LlmRequest) -> AsyncIterator[StreamEvent]:
    completion = await provider.complete(request)
    if completion.text:
        yield TextDelta(completion.text)
    yield completion
