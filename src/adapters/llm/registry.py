"""The providers by name, and the built-in model registry with list prices (USD per million tokens)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from application.ports.llm import LlmProvider, LlmProviders
from domain.errors import InvalidInput
from domain.models import ModelSpec


class ProviderRegistry(LlmProviders):
    def __init__(self, providers: Mapping[str, LlmProvider]) -> None:
        self._providers = dict(providers)

    def get(self, provider: str) -> LlmProvider:
        try:
            return self._providers[provider]
        except KeyError:
            raise InvalidInput(f"no LLM provider {provider!r} is configured", code="unknown_provider") from None

    def names(self) -> frozenset[str]:
        return frozenset(self._providers)


def _m(model_id: str, price_in: str, price_out: str, window: int, vision: bool) -> ModelSpec:
    return ModelSpec(model_id, Decimal(price_in), Decimal(price_out), window, vision)


BUILTIN_MODELS = (
    _m("offline:echo", "0", "0", 32_000, True),
    _m("openai:gpt-4o", "2.50", "10.00", 128_000, True),
    _m("openai:gpt-4o-mini", "0.15", "0.60", 128_000, True),
    _m("openai:gpt-4.1", "2.00", "8.00", 1_047_576, True),
    _m("openai:gpt-4.1-mini", "0.40", "1.60", 1_047_576, True),
    _m("openai:gpt-4.1-nano", "0.10", "0.40", 1_047_576, True),
    _m("openai:gpt-5", "1.25", "10.00", 400_000, True),
    _m("openai:gpt-5-mini", "0.25", "2.00", 400_000, True),
    _m("openai:gpt-5-nano", "0.05", "0.40", 400_000, True),
    _m("anthropic:claude-opus-4-1", "15.00", "75.00", 200_000, True),
    _m("anthropic:claude-sonnet-4-5", "3.00", "15.00", 200_000, True),
    _m("anthropic:claude-haiku-4-5", "1.00", "5.00", 200_000, True),
    _m("anthropic:claude-3-5-haiku-latest", "0.80", "4.00", 200_000, False),
)
