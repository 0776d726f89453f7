"""The LLM port: one completion call to a model provider, with typed errors (see `domain.errors.LlmError`)."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Protocol

from promptsaas.domain.conversations import Part, Role
from promptsaas.domain.prompts import ModelParams


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


class LlmProvider(Protocol):
    @abstractmethod
    async def complete(self, request: LlmRequest) -> Completion:
        """Raise an `LlmError` subclass on failure; never return a partial completion."""


class LlmProviders(Protocol):
    """Finds the adapter serving a provider name (`openai`, `anthropic`, `offline`, a configured endpoint)."""

    @abstractmethod
    def get(self, provider: str) -> LlmProvider: ...

    @abstractmethod
    def names(self) -> frozenset[str]: ...
