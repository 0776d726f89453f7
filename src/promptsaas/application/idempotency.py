"""Idempotent runs: a retry with the same `Idempotency-Key` returns the first reply and is charged once, whole or
streamed (a streamed retry gets the kept reply as one piece of text).

The reply is stored in the settlement's transaction (see `KeptReply`), so no crash can leave a charged call without
it, and a failure after the settlement cannot drop it. A stream cut short keeps nothing: its retry runs anew."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import AsyncGenerator, Callable
from datetime import datetime, timedelta
from typing import Any

from promptsaas.application.access import LimitView
from promptsaas.application.conversations import ConversationService
from promptsaas.application.messages import InboundMessage, Reply, ReplyUsage
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.idempotency import IdempotencyStore
from promptsaas.application.ports.quota import KeptReply
from promptsaas.domain.errors import DomainError, InvalidInput
from promptsaas.domain.replies import FinishReason
from promptsaas.domain.requested_params import RequestedParams

CLAIM_TTL = timedelta(minutes=10)
"""How long a running request holds its key; a claim whose process died is taken over after that."""
MESSAGE_CLAIM_TTL = timedelta(minutes=2)
"""A messenger message's claim: shorter, so a message its inbox hands over after a crash is not kept waiting."""
ANSWER_TTL = timedelta(hours=24)
"""How long a finished request's answer is replayed to retries; after that the key may be used anew."""


class IdempotencyConflict(DomainError):
    code = "idempotency_in_progress"


class IdempotentRuns:
    def __init__(self, conversations: ConversationService, store: IdempotencyStore, clock: Clock) -> None:
        self._conversations = conversations
        self._store = store
        self._clock = clock

    async def chat(self, message: InboundMessage) -> Reply:
        if not message.idempotency_key:
            return await self._conversations.chat(message)
        return await self._run(message, _fingerprint(message), CLAIM_TTL)

    async def chat_message(self, message: InboundMessage) -> Reply:
        """A messenger message keyed by its own id: a retry is that message whatever changed since (the
        conversation it opened, the agent chosen), so it gets the first reply and is charged once."""
        if not message.idempotency_key:
            return await self._conversations.chat(message)
        fingerprint = hashlib.sha256(f"message:{message.idempotency_key}".encode()).hexdigest()
        return await self._run(message, fingerprint, MESSAGE_CLAIM_TTL)

    async def _run(self, message: InboundMessage, fingerprint: str, hold: timedelta) -> Reply:
        scope, kept = await self._claim(message, fingerprint, hold)
        if isinstance(kept, Reply):
            return kept
        try:
            return await self._conversations.chat(message, keep=kept)
        except BaseException:
            await self._store.release(message.tenant_id, scope)  # unless the settlement stored the reply
            raise

    async def stream(self, message: InboundMessage) -> AsyncGenerator[str | Reply, None]:
        """`ConversationService.stream` under the same key: text pieces then the `Reply`, or the kept reply again."""
        scope = ""
        if not message.idempotency_key:
            events = self._conversations.stream(message)
        else:
            scope, kept = await self._claim(message, _fingerprint(message), CLAIM_TTL)
            if isinstance(kept, Reply):
                if kept.text:
                    yield kept.text
                yield kept
                return
            events = self._conversations.stream(message, keep=kept)
        async with contextlib.aclosing(events):
            try:
                async for event in events:
                    yield event
            except BaseException:
                if scope:  # unless the settlement stored the reply
                    await asyncio.shield(self._store.release(message.tenant_id, scope))
                raise

    async def _claim(
        self, message: InboundMessage, fingerprint: str, hold: timedelta
    ) -> tuple[str, Reply | Callable[[Reply], KeptReply]]:
        """Claim the key: the kept reply of a finished first call, or how to keep this call's reply."""
        tenant_id, scope = message.tenant_id, f"{message.user_id}:{message.idempotency_key}"
        now = self._clock.now()
        claim = await self._store.claim(tenant_id, scope, fingerprint, now, now + hold)
        if not claim.claimed:
            if claim.fingerprint != fingerprint:
                raise InvalidInput(
                    "this Idempotency-Key was used for a different request",
                    field="Idempotency-Key",
                    code="idempotency_key_reused",
                )
            if claim.response is None:
                raise IdempotencyConflict("a request with this Idempotency-Key is still running; retry shortly")
            return scope, reply_from_dict(claim.response)
        keep_until = now + ANSWER_TTL
        return scope, lambda reply: KeptReply(scope, reply_to_dict(reply), keep_until)


def _fingerprint(message: InboundMessage) -> str:
    parts: list[object] = [
        message.agent,
        message.text,
        message.style,
        message.conversation_id,
        sorted(message.variables.items()),
        [(i.mime_type, i.url, hashlib.sha256((i.data or "").encode()).hexdigest()) for i in message.images],
    ]
    if message.prior or message.client_system or message.requested != RequestedParams():
        parts.append([message.prior, message.client_system, message.requested])  # OpenAI-style calls only
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "conversation_id": reply.conversation_id,
        "usage": [reply.usage.input_tokens, reply.usage.output_tokens, reply.usage.cost_micros, reply.usage.funding],
        "limits": [[v.metric, v.window, v.limit, v.used, v.remaining, v.resets_at.isoformat()] for v in reply.limits],
        "model": reply.model,
        "prompt_version": reply.prompt_version,
        "finish_reason": reply.finish_reason.value,
    }


def reply_from_dict(data: dict[str, Any]) -> Reply:
    return Reply(
        text=data["text"],
        conversation_id=data["conversation_id"],
        usage=ReplyUsage(*data["usage"]),
        limits=[LimitView(v[0], v[1], v[2], v[3], v[4], datetime.fromisoformat(v[5])) for v in data["limits"]],
        model=data["model"],
        prompt_version=data["prompt_version"],
        finish_reason=FinishReason(data.get("finish_reason", FinishReason.STOP)),  # replies kept before it was
    )
