"""What a request left behind, for an operator who holds its request id (from a log line or a problem body)."""

from __future__ import annotations

from typing import Annotated

from promptsaas.entrypoints.http.schemas.base import CreatedAt, Id, Read, UserId, about

RequestId = Annotated[str, about("The request's id (its X-Request-ID, or the one generated for it)", "lb-7f3a:42")]


class CallRead(Read):
    id: Id
    request_id: RequestId
    user_id: UserId
    agent: Annotated[str, about("The agent called", "tutor")]
    prompt_version: Annotated[int, about("The prompt version that answered", 3)]
    channel: Annotated[str, about("Where the call came from: `api`, `web`, `telegram`, `whatsapp`", "api")]
    model: Annotated[str, about("The model reference", "openai:gpt-4o-mini")]
    input_tokens: Annotated[int, about("Tokens sent to the model", 412)]
    output_tokens: Annotated[int, about("Tokens the model answered with", 96)]
    cost_micros: Annotated[int, about("What the call cost, in micro-USD", 120)]
    outcome: Annotated[str, about("`ok` (answered and charged) or `error`", "ok")]
    error_code: Annotated[str | None, about("How a failed or cut-short call ended", None)]
    finish_reason: Annotated[
        str | None,
        about(
            "How the model ended the reply: `stop`, `length` (cut at the output budget) or `content_filter`; "
            "null when it ended none (a failed call, a stream cut short) or the call predates the field",
            "stop",
        ),
    ]
    latency_ms: Annotated[
        int, about("The model call's duration (until it failed or was cut short, for such a call)", 840)
    ]
    created_at: CreatedAt
