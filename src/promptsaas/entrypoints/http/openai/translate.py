"""A Chat Completions request into the one `InboundMessage` every channel gives, and replies back into OpenAI's
shapes. The client's `system` and `developer` messages ride along; only an agent that accepts them uses them, after
its own prompt. Sampling parameters ride along too, and the agent's own bound them."""

from __future__ import annotations

import hashlib
import time

import msgspec

from promptsaas.application.attachments import image_of
from promptsaas.application.messages import InboundMessage, Reply
from promptsaas.domain.conversations import ImagePart, Role
from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.requested_params import RequestedParams
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.openai.schemas import (
    Choice,
    Chunk,
    ChunkChoice,
    Completion,
    CompletionCreate,
    ContentPart,
    Delta,
    MessageIn,
    MessageOut,
    Usage,
)

ROLES = {"user": Role.USER, "assistant": Role.ASSISTANT}
CLIENT_SYSTEM_ROLES = frozenset({"system", "developer"})


def _unsupported(body: CompletionCreate) -> str | None:
    if body.tools or body.functions:
        return "tools" if body.tools else "functions"
    if body.n is not None and body.n != 1:
        return "n"
    if body.audio is not None or (body.modalities and "audio" in body.modalities):
        return "audio" if body.audio is not None else "modalities"
    return None


def inbound(caller: Caller, body: CompletionCreate, idempotency_key: str | None) -> InboundMessage:
    """The last message is the user's turn (text and images); the earlier user and assistant turns are the
    conversation, which the agent trims to its `history_turns`."""
    field = _unsupported(body)
    if field is not None:
        raise InvalidInput(f"`{field}` is not supported by promptsaas agents", field=field)
    turns = [m for m in body.messages if m.role not in CLIENT_SYSTEM_ROLES]
    client_system = "\n\n".join(_text(m) for m in body.messages if m.role in CLIENT_SYSTEM_ROLES and _text(m))
    if not turns or turns[-1].role != "user":
        raise InvalidInput("the last message must be the user's", field="messages")
    prior: list[tuple[Role, str]] = []
    for index, message in enumerate(turns[:-1]):
        if message.role not in ROLES:
            raise InvalidInput(f"role {message.role!r} is not supported", field=f"messages[{index}].role")
        prior.append((ROLES[message.role], _text(message)))
    last = turns[-1]
    return InboundMessage(
        tenant_id=caller.tenant_id,
        user_id=caller.user.id,
        channel=caller.channel,
        agent=body.model,
        text=_text(last),
        variables=body.variables or {},
        style=body.style,
        images=_images(last),
        idempotency_key=idempotency_key,
        prior=tuple(prior),
        requested=_requested(body),
        client_system=client_system or None,
    )


def _requested(body: CompletionCreate) -> RequestedParams:
    """The caller's sampling parameters; of `max_tokens` and `max_completion_tokens`, the smaller one given."""
    budgets = [n for n in (body.max_tokens, body.max_completion_tokens) if n is not None]
    stop = (body.stop,) if isinstance(body.stop, str) else tuple(body.stop or ())
    return RequestedParams(body.temperature, body.top_p, min(budgets) if budgets else None, stop)


def _parts(message: MessageIn) -> list[ContentPart]:
    return message.content if isinstance(message.content, list) else []


def _text(message: MessageIn) -> str:
    if isinstance(message.content, str):
        return message.content
    return "\n".join(p.text or "" for p in _parts(message) if p.type == "text")


def _images(message: MessageIn) -> tuple[ImagePart, ...]:
    images: list[ImagePart] = []
    for part in _parts(message):
        if part.type == "image_url" and part.image_url is not None:
            images.append(image_of(url=part.image_url.url, index=len(images)))
        elif part.type != "text":
            raise InvalidInput(f"content parts of type {part.type!r} are not supported", field="messages")
    return tuple(images)


def usage_of(reply: Reply) -> Usage:
    used = reply.usage
    return Usage(used.input_tokens, used.output_tokens, used.input_tokens + used.output_tokens)


def completion(model: str, reply: Reply) -> Completion:
    return Completion(
        id=f"chatcmpl-{reply.conversation_id}",
        created=int(time.time()),
        model=model,
        choices=[Choice(MessageOut(reply.text), finish_reason=reply.finish_reason.value)],
        usage=usage_of(reply),
    )


def stream_id(caller: Caller, idempotency_key: str | None) -> str:
    """A streamed completion's id, known before its first chunk: the same for every retry under one key."""
    if idempotency_key is None:
        return f"chatcmpl-{time.time_ns()}"
    digest = hashlib.sha256(f"{caller.tenant_id}:{caller.user.id}:{idempotency_key}".encode()).hexdigest()
    return f"chatcmpl-{digest[:32]}"


class ChunkWriter:
    """The `chat.completion.chunk` events of one streamed reply, encoded as server-sent events."""

    def __init__(self, model: str, include_usage: bool, completion_id: str) -> None:
        self._id = completion_id
        self._created = int(time.time())
        self._model = model
        self._include_usage = include_usage

    def _event(self, chunk: Chunk) -> bytes:
        return b"data: " + msgspec.json.encode(chunk) + b"\n\n"

    def _chunk(self, delta: Delta, finish: str | None = None) -> Chunk:
        return Chunk(self._id, self._created, self._model, [ChunkChoice(delta, finish_reason=finish)])

    def first(self, text: str) -> bytes:
        return self._event(self._chunk(Delta(content=text, role="assistant")))

    def delta(self, text: str) -> bytes:
        return self._event(self._chunk(Delta(content=text)))

    def last(self, reply: Reply) -> bytes:
        tail = self._event(self._chunk(Delta(), reply.finish_reason.value))
        if self._include_usage:
            usage = Chunk(self._id, self._created, self._model, [], usage_of(reply))
            tail += self._event(usage)
        return tail + b"data: [DONE]\n\n"
