"""The agent runtime: select the active prompt version, render it, add history, call the model, measure the reply.

It knows prompts and models only; plans, subscriptions, quotas and payments are not its business.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

from promptsaas.application.attachments import ImageRules
from promptsaas.application.lookups import agent_by_slug
from promptsaas.application.model_registry import ModelRegistry
from promptsaas.application.ports.llm import (
    ChatMessage,
    Completion,
    LlmProviders,
    LlmRequest,
    TextDelta,
)
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.read_cache import ReadCache
from promptsaas.domain.agents import Agent
from promptsaas.domain.conversations import ImagePart, Message, Part, Role, TextPart, text_of
from promptsaas.domain.errors import InputTooLong, InvalidInput
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.prompts import PromptVersion
from promptsaas.domain.replies import FinishReason
from promptsaas.domain.requested_params import RequestedParams, params_within_agent
from promptsaas.domain.templates import INPUT, render, resolve

MESSAGE_OVERHEAD_TOKENS = 8
IMAGE_TOKENS = 1600
AS_THE_AGENT_SETS = RequestedParams()


@dataclass(frozen=True, slots=True)
class AgentSetup:
    agent: Agent
    version: PromptVersion | None
    model: ModelSpec | None

    @property
    def provider(self) -> str:
        return self.model.provider if self.model else ""


@dataclass(frozen=True, slots=True)
class PreparedCall:
    setup: AgentSetup
    request: LlmRequest
    user_parts: tuple[Part, ...]
    estimated_input_tokens: int

    @property
    def estimated_tokens(self) -> int:
        """An upper bound of the call's tokens: input estimate plus the whole output budget."""
        return self.estimated_input_tokens + self.request.params.output_budget


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    input_tokens: int
    output_tokens: int
    cost_micros: int
    latency_ms: int
    finish_reason: FinishReason = FinishReason.STOP


def estimate_tokens(text: str) -> int:
    """Tokens of a text, from above: no tokenizer packs fewer than one byte into a token."""
    return len(text.encode()) + MESSAGE_OVERHEAD_TOKENS


class Runtime:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        registry: ModelRegistry,
        providers: LlmProviders,
        images: ImageRules,
        cache: ReadCache | None = None,
    ) -> None:
        self._cache = cache or ReadCache(ttl_seconds=0)
        self._uow = uow
        self._registry = registry
        self._providers = providers
        self._images = images

    async def setup(self, tenant_id: str, slug: str) -> AgentSetup:
        """The agent, its active version (if any) and that version's registry entry."""
        return await self._cache.get(tenant_id, ("setup", slug), lambda: self._load_setup(tenant_id, slug))

    async def _load_setup(self, tenant_id: str, slug: str) -> AgentSetup:
        async with self._uow() as uow:
            agent = await agent_by_slug(uow, tenant_id, slug)
            version = await uow.versions.get_active(tenant_id, agent.id)
            model = await self._registry.resolve(uow, tenant_id, version.content.model) if version else None
        return AgentSetup(agent, version, model)

    async def prepare(
        self,
        setup: AgentSetup,
        text: str,
        *,
        variables: Mapping[str, object],
        style: str | None,
        history: list[Message],
        images: tuple[ImagePart, ...] = (),
        requested: RequestedParams = AS_THE_AGENT_SETS,
        client_system: str | None = None,
    ) -> PreparedCall:
        """Render the active version with the variables, style and conversation history (the caller reads only the
        agent's last `history_messages`), under the caller's parameters as the agent bounds them, leaving out the
        oldest turns that do not fit the model's context window beside the output budget; raise `InputTooLong`
        when the new message alone does not fit."""
        assert setup.version is not None
        assert setup.model is not None
        content = setup.version.content
        if images and not setup.model.vision:
            raise InvalidInput(
                f"model {setup.model.id} does not accept images",
                field="attachments",
                code="attachments_not_supported",
            )
        await self._images.check(images)
        values = resolve(content.variables, variables)
        system = render(content.system, values)
        fragment = setup.agent.style_text(style)
        if fragment:
            system = f"{system}\n\n{fragment}"
        system = setup.agent.with_client_system(system, client_system)
        user_text = render(content.user, {**values, INPUT: text}) if content.user else text
        user_parts: tuple[Part, ...] = (TextPart(user_text), *images)
        params = params_within_agent(content.params, requested)
        room = setup.model.context_window - params.output_budget
        earlier = [ChatMessage(m.role, m.parts) for m in history]
        messages, estimate = fit_window(system, earlier, ChatMessage(Role.USER, user_parts), room, setup.model)
        _, model_name = setup.model.id.split(":", 1)
        request = LlmRequest(model_name, system, messages, params)
        return PreparedCall(setup, request, user_parts, estimate)

    async def execute(self, call: PreparedCall, api_key: str | None = None) -> Answer:
        """Call the model (with the user's own key when given); raise an `LlmError` on failure."""
        assert call.setup.model is not None
        provider = self._providers.get(call.setup.provider)
        request = call.request if api_key is None else _with_key(call.request, api_key)
        started = time.perf_counter()
        completion: Completion = await provider.complete(request)
        return _answer(completion, call.setup.model, started)

    async def stream(self, call: PreparedCall, api_key: str | None = None) -> AsyncIterator[str | Answer]:
        """The reply's text pieces as the model gives them, then its `Answer`; an `LlmError` may come at any point."""
        assert call.setup.model is not None
        provider = self._providers.get(call.setup.provider)
        request = call.request if api_key is None else _with_key(call.request, api_key)
        started = time.perf_counter()
        async for event in provider.stream(request):
            if isinstance(event, TextDelta):
                yield event.text
                continue
            yield _answer(event, call.setup.model, started)
            return

    def partial(self, call: PreparedCall, text: str, latency_ms: int) -> Answer:
        """What a stream cut short after `latency_ms` used: the prompt, and the text delivered, at four characters a
        token."""
        assert call.setup.model is not None
        request = call.request
        prompt = len(request.system) + sum(len(text_of(m.parts)) for m in request.messages)
        input_tokens, output_tokens = -(-prompt // 4), -(-len(text) // 4)
        return Answer(
            text, input_tokens, output_tokens, call.setup.model.cost_micros(input_tokens, output_tokens), latency_ms
        )


def fit_window(
    system: str, history: list[ChatMessage], new: ChatMessage, room: int, model: ModelSpec
) -> tuple[tuple[ChatMessage, ...], int]:
    """The messages to send and their estimated tokens: the history without its oldest messages while the total is
    over `room`, never starting with an answer whose question was left out."""
    total = estimate_tokens(system) + _estimate_message(new)
    if total > room:
        raise InputTooLong(total, max(room, 0), model.context_window)
    sizes = [_estimate_message(m) for m in history]
    total += sum(sizes)
    start = 0
    while total > room:
        total -= sizes[start]
        start += 1
    while 0 < start < len(history) and history[start].role is not Role.USER:
        total -= sizes[start]
        start += 1
    return (*history[start:], new), total


def _estimate_message(message: ChatMessage) -> int:
    return sum(estimate_tokens(p.text) if isinstance(p, TextPart) else IMAGE_TOKENS for p in message.parts)


def _answer(completion: Completion, model: ModelSpec, started: float) -> Answer:
    latency_ms = int((time.perf_counter() - started) * 1000)
    cost = model.cost_micros(completion.input_tokens, completion.output_tokens)
    return Answer(
        completion.text, completion.input_tokens, completion.output_tokens, cost, latency_ms, completion.finish_reason
    )


def _with_key(request: LlmRequest, api_key: str) -> LlmRequest:
    return LlmRequest(request.model, request.system, request.messages, request.params, api_key)
