"""Idempotent runs: a retry with the same `Idempotency-Key` returns the first reply and is charged once.

The reply is stored in the settlement's transaction (see `KeptReply`), so no crash can leave a charged call without
it, and a failure after the settlement cannot drop it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from promptsaas.application.access import LimitView
from promptsaas.application.conversations import ConversationService, InboundMessage, Reply, ReplyUsage
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.idempotency import IdempotencyStore
from promptsaas.application.ports.quota import KeptReply
from promptsaas.domain.errors import DomainError, InvalidInput

CLAIM_TTL = timedelta(minutes=10)
"""How long a running request holds its key; a claim whose process died is taken over after that."""
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
        tenant_id, scope = message.tenant_id, f"{message.user_id}:{message.idempotency_key}"
        fingerprint = _fingerprint(message)
        now = self._clock.now()
        claim = await self._store.claim(tenant_id, scope, fingerprint, now, now + CLAIM_TTL)
        if not claim.claimed:
            if claim.fingerprint != fingerprint:
                raise InvalidInput(
                    "this Idempotency-Key was used for a different request",
                    field="Idempotency-Key",
                    code="idempotency_key_reused",
                )
            if claim.response is None:
                raise IdempotencyConflict("a request with this Idempotency-Key is still running; retry shortly")
            return reply_from_dict(claim.response)
        keep_until = now + ANSWER_TTL
        try:
            reply = await self._conversations.chat(
                message, keep=lambda reply: KeptReply(scope, reply_to_dict(reply), keep_until)
            )
        except BaseException:
            await self._store.release(tenant_id, scope)  # unless the settlement stored the reply
            raise
        return reply

    async def stream(self, message: InboundMessage) -> AsyncIterator[str | Reply]:
        """The call streamed (text pieces, then the `Reply`); with an Idempotency-Key it runs whole, as `chat`
        does, and streams its reply as one piece, so a retry replays it and is charged once."""
        if message.idempotency_key:
            reply = await self.chat(message)
            if reply.text:
                yield reply.text
            yield reply
            return
        events = self._conversations.stream(message)
        try:
            async for event in events:
                yield event
        finally:
            await events.aclose()  # type: ignore[attr-defined]


def _fingerprint(message: InboundMessage) -> str:
    parts = [
        message.agent,
        message.text,
        message.style,
        message.conversation_id,
        sorted(message.variables.items()),
        [(i.mime_type, i.url, hashlib.sha256((i.data or "").encode()).hexdigest()) for i in message.images],
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "conversation_id": reply.conversation_id,
        "usage": [reply.usage.input_tokens, reply.usage.output_tokens, reply.usage.cost_micros, reply.usage.funding],
        "limits": [[v.metric, v.window, v.limit, v.used, v.remaining, v.resets_at.isoformat()] for v in reply.limits],
        "model": reply.model,
        "prompt_version": reply.prompt_version,
    }


def reply_from_dict(data: dict[str, Any]) -> Reply:
    return Reply(
        text=data["text"],
        conversation_id=data["conversation_id"],
        usage=ReplyUsage(*data["usage"]),
        limits=[LimitView(v[0], v[1], v[2], v[3], v[4], datetime.fromisoformat(v[5])) for v in data["limits"]],
        model=data["model"],
        prompt_version=data["prompt_version"],
    )
