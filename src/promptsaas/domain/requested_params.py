"""What a caller asks of the model (OpenAI's `temperature`, `top_p`, max tokens, `stop`): a preference the agent's
own parameters bound, so a caller can make an agent terser or steadier, never looser or longer."""

from __future__ import annotations

from dataclasses import dataclass

from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.prompts import ModelParams

MAX_STOP_SEQUENCES = 4


@dataclass(frozen=True, slots=True)
class RequestedParams:
    """The caller's preferences, checked as OpenAI checks them; an out-of-range value is an error naming its field."""

    temperature: float | None = None
    top_p: float | None = None
    max_output_tokens: int | None = None
    stop: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.temperature is not None and not 0 <= self.temperature <= 2:
            raise InvalidInput("temperature must be between 0 and 2", field="temperature")
        if self.top_p is not None and not 0 < self.top_p <= 1:
            raise InvalidInput("top_p must be greater than 0 and at most 1", field="top_p")
        if self.max_output_tokens is not None and self.max_output_tokens < 1:
            raise InvalidInput("max_tokens must be a positive integer", field="max_tokens")
        if len(self.stop) > MAX_STOP_SEQUENCES:
            raise InvalidInput(f"at most {MAX_STOP_SEQUENCES} stop sequences", field="stop")


def _lower(agent: float | None, requested: float | None) -> float | None:
    if requested is None:
        return agent
    return requested if agent is None else min(agent, requested)


def params_within_agent(agent: ModelParams, requested: RequestedParams) -> ModelParams:
    """The parameters a call runs with: the caller may lower the temperature, top_p and output budget (the agent's,
    or the platform default when it sets none) but never raise them; its stop sequences join the agent's."""
    budget = agent.output_budget
    if requested.max_output_tokens is not None:
        budget = min(budget, requested.max_output_tokens)
    stop = tuple(dict.fromkeys((*agent.stop, *(s for s in requested.stop if s))))
    if len(stop) > MAX_STOP_SEQUENCES:
        raise InvalidInput(
            f"the agent already stops on {len(agent.stop)} sequences; at most {MAX_STOP_SEQUENCES} in all",
            field="stop",
        )
    return ModelParams(
        temperature=_lower(agent.temperature, requested.temperature),
        max_output_tokens=budget if requested.max_output_tokens is not None else agent.max_output_tokens,
        top_p=_lower(agent.top_p, requested.top_p),
        stop=stop,
    )
