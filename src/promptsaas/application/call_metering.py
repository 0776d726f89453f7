"""Every agent call counted where all channels meet (API, OpenAI surface, web chat, Telegram, WhatsApp, library):
its outcome and code, and an answered call's tokens and cost. The flow itself is `ConversationService`'s."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from typing import Any

from promptsaas.application.conversations import ConversationService
from promptsaas.application.messages import InboundMessage, Reply
from promptsaas.application.ports.call_metrics import CallCount, CallMetrics
from promptsaas.application.ports.quota import KeptReply
from promptsaas.domain.errors import AccessDenied, ByokKeyInvalid, ByokKeyUndecryptable, DomainError, LlmError

FAILED = (LlmError, ByokKeyInvalid, ByokKeyUndecryptable)
UNKNOWN_AGENT = "(unknown)"
"""The agent label of a call to an agent the tenant does not have: a caller's made-up slugs never become series."""


def ending_of(error: BaseException) -> tuple[str, str]:
    """A failed call's outcome label and code."""
    if isinstance(error, AccessDenied):
        return "denied", error.code
    if isinstance(error, FAILED):
        return "error", error.code
    if isinstance(error, DomainError):
        return "rejected", error.code
    if isinstance(error, (asyncio.CancelledError, GeneratorExit)):
        return "cancelled", "client_disconnected"
    return "error", "internal_error"


class MeteredConversations(ConversationService):
    """The conversation flow, each call reported to `CallMetrics` once it ends (in memory: no database work)."""

    def __init__(self, *args: Any, metrics: CallMetrics, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._metrics = metrics

    async def chat(self, message: InboundMessage, keep: Callable[[Reply], KeptReply] | None = None) -> Reply:
        try:
            reply = await super().chat(message, keep)
        except BaseException as error:
            self._ended(message, error)
            raise
        self._answered(message, reply)
        return reply

    async def stream(
        self, message: InboundMessage, keep: Callable[[Reply], KeptReply] | None = None
    ) -> AsyncGenerator[str | Reply, None]:
        pieces = super().stream(message, keep)
        try:
            async for piece in pieces:
                if isinstance(piece, Reply):
                    self._answered(message, piece)
                yield piece
        except BaseException as error:
            self._ended(message, error)
            raise
        finally:
            await pieces.aclose()

    def _answered(self, message: InboundMessage, reply: Reply) -> None:
        used = reply.usage
        self._metrics.count_call(
            CallCount(
                message.tenant_id,
                message.agent,
                message.channel.value,
                "ok",
                None,
                used.input_tokens,
                used.output_tokens,
                used.cost_micros,
            )
        )

    def _ended(self, message: InboundMessage, error: BaseException) -> None:
        outcome, code = ending_of(error)
        agent = UNKNOWN_AGENT if code == "agent_not_found" else message.agent
        self._metrics.count_call(CallCount(message.tenant_id, agent, message.channel.value, outcome, code))
