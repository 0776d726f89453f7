"""The providers by name, and the built-in model registry with list prices (USD per million tokens)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from promptsaas.application.ports.llm import LlmProvider, LlmProviders
from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.models import ModelSpec


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

    async def aclose(self) -> None:
        """Close every provider's connection pool (the container calls this on shutdown)."""
        for provider in self._providers.values():
            close = getattr(provider, "aclose", None)
            if close is not None:
                await close()


def _m(model_id: str, price_in: str, price_out: str, window: int, vision: bool) -> ModelSpec:
    return ModelSpec(model_id, Decimal(price_in), Decimal(price_out), window, vision)


# List prices, USD per million tokens (standard tier, short context), checked against the providers' pricing pages
# and the model lists of openai 3.54 / anthropic 2.12. A tenant overrides any entry in its catalog's `models:`.
BUILTIN_MODELS = (
    _m("offline:echo", "0", "0", 32_000, True),
    _m("openai:gpt-5.5", "5.00", "30.00", 400_000, True),
    _m("openai:gpt-5.4", "2.50", "15.00", 400_000, True),
    _m("openai:gpt-5.4-mini", "0.75", "4.50", 400_000, True),
    _m("openai:gpt-5.4-nano", "0.20", "1.25", 400_000, True),
    _m("openai:gpt-5.1", "1.25", "10.00", 400_000, True),
    _m("openai:gpt-5", "1.25", "10.00", 400_000, True),
    _m("openai:gpt-5-mini", "0.25", "2.00", 400_000, True),
    _m("openai:gpt-5-nano", "0.05", "0.40", 400_000, True),
    _m("openai:gpt-4.1", "2.00", "8.00", 1_047_576, True),
    _m("openai:gpt-4.1-mini", "0.40", "1.60", 1_047_576, True),
    _m("openai:gpt-4.1-nano", "0.10", "0.40", 1_047_576, True),
    _m("openai:gpt-4o", "2.50", "10.00", 128_000, True),
    _m("openai:gpt-4o-mini", "0.15", "0.60", 128_000, True),
    _m("openai:o3", "2.00", "8.00", 200_000, True),
    _m("openai:o4-mini", "1.10", "4.40", 200_000, True),
    _m("openai:o3-mini", "1.10", "4.40", 200_000, False),
    _m("anthropic:claude-opus-4-7", "5.00", "25.00", 200_000, True),
    _m("anthropic:claude-opus-4-6", "5.00", "25.00", 200_000, True),
    _m("anthropic:claude-opus-4-5", "5.00", "25.00", 200_000, True),
    _m("anthropic:claude-sonnet-4-6", "3.00", "15.00", 200_000, True),
    _m("anthropic:claude-sonnet-4-5", "3.00", "15.00", 200_000, True),
    _m("anthropic:claude-haiku-4-5", "1.00", "5.00", 200_000, True),
    _m("gemini:gemini-2.5-flash", "0.30", "2.50", 1_048_576, True),
)
