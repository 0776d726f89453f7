"""`POST /v1/chat/completions`: one call to the agent named by `model`, whole or streamed (`stream: true`).

A denial or a bad request is known before the first token, so it is an HTTP error status; an error after the
stream began ends it with an error event (OpenAI's own way), after the text already sent. An `Idempotency-Key`
holds whole and streamed calls alike: a retry replays the first completion, with the same id, charged once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK

from promptsaas.application.idempotency import IdempotentRuns
from promptsaas.application.messages import Reply
from promptsaas.domain.errors import DomainError
from promptsaas.entrypoints.http.caller import ChannelHeader, member
from promptsaas.entrypoints.http.controllers.agents import RUN_PROBLEMS, IdempotencyKey
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openai.errors import HANDLERS, documented, error_event
from promptsaas.entrypoints.http.openai.schemas import Completion, CompletionCreate
from promptsaas.entrypoints.http.openai.translate import ChunkWriter, completion, inbound, stream_id
from promptsaas.entrypoints.http.openapi import SIGNED_IN

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


class OpenAICompletionsController(MemberController):
    path = "/v1/chat/completions"
    tags = ["openai"]
    exception_handlers = HANDLERS

    @post(
        "/",
        status_code=HTTP_200_OK,
        operation_id="createChatCompletion",
        include_in_schema=False,  # OpenAI's own API reference documents these shapes
        summary="Chat with an agent",
        responses=documented(*SIGNED_IN, *RUN_PROBLEMS, "internal_error"),
    )
    async def create(
        self,
        request: Request[Any, Any, Any],
        runs: NamedDependency[IdempotentRuns],
        data: JSONBody[CompletionCreate],
        idempotency_key: IdempotencyKey = None,
        x_channel: ChannelHeader = None,
    ) -> Response[Any]:
        """OpenAI's Chat Completions with `model` = the agent's slug, under the caller's plans like every call."""
        caller = await member(request, x_channel)  # not a second dependency: two are resolved in a task group
        message = inbound(caller, data, idempotency_key)
        if not data.stream:
            reply = await runs.chat(message)
            return Response[Completion](completion(data.model, reply))
        events = runs.stream(message)
        first = await anext(events)  # the reservation, and any denial, come before the response starts
        include_usage = bool(data.stream_options and data.stream_options.include_usage)
        writer = ChunkWriter(data.model, include_usage, stream_id(caller, idempotency_key))
        chunks = _chunks(writer, first, events)
        return Stream(chunks, media_type="text/event-stream", headers=SSE_HEADERS)


async def _chunks(writer: ChunkWriter, first: str | Reply, events: AsyncIterator[str | Reply]) -> AsyncIterator[bytes]:
    try:
        if isinstance(first, Reply):  # an empty reply
            yield writer.first("") + writer.last(first)
            return
        yield writer.first(first)
        async for event in events:
            yield writer.last(event) if isinstance(event, Reply) else writer.delta(event)
    except DomainError as error:
        yield error_event(error)
    finally:
        await events.aclose()  # type: ignore[attr-defined]
