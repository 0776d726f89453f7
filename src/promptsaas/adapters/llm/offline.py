"""`offline:echo`: a deterministic local model for demos and tests, no network and no key. It repeats the last user
message and says how many images came with it, so a demo shows what reached the model."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

from promptsaas.application.ports.llm import (
    Completion,
    LlmProvider,
    LlmRequest,
    StreamEvent,
    TextDelta,
)
from promptsaas.domain.conversations import ImagePart, Role, text_of
from promptsaas.domain.replies import FinishReason

REPLY_CHARS = 200
WORDS = re.compile(r"\S+\s*")


def estimate(text: str) -> int:
    """Token count estimated from text length: about four characters a token."""
    return max(1, (len(text) + 3) // 4)


class OfflineProvider(LlmProvider):
    takes_user_keys = False

    async def complete(self, request: LlmRequest) -> Completion:
        last = next((m for m in reversed(request.messages) if m.role is Role.USER), None)
        said = " ".join(text_of(last.parts).split()) if last else ""
        reply = f"You said: {said[:REPLY_CHARS]}" if said else "Hello! Ask me anything."
        images = sum(isinstance(p, ImagePart) for p in last.parts) if last else 0
        if images:
            reply += f" [{images} image{'s' if images > 1 else ''}]"
        room = request.params.output_budget * 4
        finish = FinishReason.LENGTH if len(reply) > room else FinishReason.STOP
        reply = reply[:room]
        prompt = request.system + "".join(text_of(m.parts) for m in request.messages)
        return Completion(reply, estimate(prompt) + 4 * len(request.messages), estimate(reply), finish)

    async def stream(self, request: LlmRequest) -> AsyncIterator[StreamEvent]:
        """The same reply, one word (with the space after it) per delta."""
        completion = await self.complete(request)
        for word in WORDS.findall(completion.text):
            yield TextDelta(word)
            await asyncio.sleep(0)
        yield completion
