"""A run's reply as server-sent events: `delta` events (`{"text": ...}`), then one `done` event carrying the run's
JSON response, or an `error` event carrying the problem when the call fails after the stream opened."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import msgspec

from promptsaas.application.messages import Reply
from promptsaas.domain.errors import DomainError
from promptsaas.entrypoints.http import problems
from promptsaas.entrypoints.http.schemas.members import RunRead, UsageRead
from promptsaas.entrypoints.http.views import limit_read

log = logging.getLogger("promptsaas.http")

EVENT_STREAM = "text/event-stream"
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
"""No cache may keep a stream, and no proxy may buffer it (nginx honours `X-Accel-Buffering`)."""


def run_read(reply: Reply) -> RunRead:
    return RunRead(
        text=reply.text,
        conversation_id=reply.conversation_id,
        usage=UsageRead(
            input_tokens=reply.usage.input_tokens,
            output_tokens=reply.usage.output_tokens,
            cost_micros=reply.usage.cost_micros,
            funding=reply.usage.funding,
        ),
        limits=[limit_read(v) for v in reply.limits],
        model=reply.model,
        prompt_version=reply.prompt_version,
        finish_reason=reply.finish_reason.value,
    )


def server_sent(name: str, body: object) -> bytes:
    """One server-sent event: its name, and its body as one line of JSON."""
    return b"event: " + name.encode() + b"\ndata: " + msgspec.json.encode(body) + b"\n\n"


def _error(error: Exception) -> bytes:
    if isinstance(error, DomainError):
        body = problems.problem(problems.status_for(error.code), error.code, error.message).content
    else:
        log.error("unhandled error in a streamed run: %s", type(error).__name__, exc_info=error)
        body = problems.problem(500, "internal_error", "something went wrong on our side").content
    return server_sent("error", body)


async def run_events(
    tenant_id: str, agent: str, first: str | Reply, events: AsyncIterator[str | Reply]
) -> AsyncIterator[bytes]:
    """The events of a run whose first piece (`first`) already came, so its reservation and any denial did too."""
    try:
        event = first
        while True:
            if isinstance(event, Reply):
                yield server_sent("done", run_read(event))
                return
            yield server_sent("delta", {"text": event})
            event = await anext(events)
    except Exception as error:  # after the stream opened, a failure can only be told in the stream
        yield _error(error)
    finally:
        await events.aclose()  # type: ignore[attr-defined]
