"""The model registry: which provider serves a model, what it costs, and whether it sees images."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from promptsaas.domain.errors import InvalidInput


def split_model_ref(ref: str) -> tuple[str, str]:
    """`provider:model` → (provider, model)."""
    provider, sep, model = ref.partition(":")
    if not sep or not provider or not model:
        raise InvalidInput(f"model {ref!r} must look like provider:model", field="model")
    return provider, model


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A registry entry. Prices are USD per million tokens, which equals micro-USD per token."""

    id: str
    input_usd_per_mtok: Decimal
    output_usd_per_mtok: Decimal
    context_window: int = 128_000
    vision: bool = False

    def __post_init__(self) -> None:
        split_model_ref(self.id)
        if self.input_usd_per_mtok < 0 or self.output_usd_per_mtok < 0 or self.context_window <= 0:
            raise InvalidInput(f"model {self.id!r} has a negative price or an empty context", field=self.id)

    @property
    def provider(self) -> str:
        return split_model_ref(self.id)[0]

    @property
    def name(self) -> str:
        return split_model_ref(self.id)[1]

    def cost_micros(self, input_tokens: int, output_tokens: int) -> int:
        cost = input_tokens * self.input_usd_per_mtok + output_tokens * self.output_usd_per_mtok
        return int(cost.quantize(Decimal(1), rounding=ROUND_HALF_UP))
