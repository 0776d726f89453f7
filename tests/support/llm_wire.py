"""What the LLM stub says and hears: scripted steps, recorded requests, and the two providers' wire formats."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Literal

Api = Literal["openai", "anthropic"]


@dataclass(frozen=True)
class Reply:
    """A completion; `text=None` echoes the last user text."""

    text: str | None = None
    input_tokens: int = 12
    output_tokens: int = 5
    delay: float = 0.0
    chunk_delay: float = 0.0
    """Seconds between the words of a streamed reply."""
    fail_after_words: int | None = None
    """Streamed only: send this many words, then the provider's mid-stream error event."""
    finish_reason: str | None = None
    """Why it ended, in the provider's own word (OpenAI `length`, Anthropic `max_tokens`, ...); `None` is a natural
    end (`stop`, `end_turn`)."""


@dataclass(frozen=True)
class Failure:
    """An error status in the provider's own error format."""

    status: int = 503
    message: str = "the stub was told to fail"
    retry_after: float | None = None
    compressed: bool = False
    """Sent gzip-compressed (`Content-Encoding: gzip`), as some providers and proxies send their errors."""


@dataclass(frozen=True)
class Hang:
    """No answer for `seconds` (or until the stub closes)."""

    seconds: float = 3600.0


@dataclass(frozen=True)
class Malformed:
    """A body that is not a completion."""

    body: bytes = b'{"choices": [ {"message": '
    status: int = 200
    content_type: str = "application/json"


@dataclass(frozen=True)
class Disconnect:
    """Close the connection without answering."""


Step = Reply | Failure | Hang | Malformed | Disconnect


@dataclass(frozen=True)
class Received:
    """One request as the stub saw it."""

    api: Api
    path: str
    body: dict[str, Any]
    key: str | None
    auth: Literal["bearer", "x-api-key", "none"]
    headers: dict[str, str] = field(repr=False)
    peer: int = 0
    """The client's port: calls over one pooled connection share it."""

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))


def last_user_text(body: dict[str, Any]) -> str:
    for message in reversed(body.get("messages", [])):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        return " ".join(p.get("text", "") for p in content if p.get("type") == "text")
    return ""


def completion(api: Api, body: dict[str, Any], reply: Reply, number: int) -> dict[str, Any]:
    text = reply_text(body, reply)
    model = body.get("model", "")
    if api == "openai":
        return {
            "id": f"chatcmpl-stub-{number}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text, "refusal": None},
                    "finish_reason": reply.finish_reason or "stop",
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": reply.input_tokens,
                "completion_tokens": reply.output_tokens,
                "total_tokens": reply.input_tokens + reply.output_tokens,
            },
        }
    return {
        "id": f"msg_stub_{number}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": reply.finish_reason or "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
    }


ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def error_body(api: Api, failure: Failure) -> dict[str, Any]:
    if api == "openai":
        kind = "invalid_request_error" if failure.status < 500 else "server_error"
        return {"error": {"message": failure.message, "type": kind, "param": None, "code": None}}
    kind = ANTHROPIC_ERROR_TYPES.get(failure.status, "api_error")
    return {"type": "error", "error": {"type": kind, "message": failure.message}}


def step_from_json(data: dict[str, Any]) -> Step:
    """`{"kind": "reply" | "failure" | "hang" | "malformed" | "disconnect", ...fields}` (the control endpoint)."""
    kind = data.pop("kind", "reply")
    if kind == "malformed" and "body" in data:
        data["body"] = str(data["body"]).encode()
    kinds: dict[str, type[Step]] = {
        "reply": Reply,
        "failure": Failure,
        "hang": Hang,
        "malformed": Malformed,
        "disconnect": Disconnect,
    }
    return kinds[kind](**data)


def reply_text(body: dict[str, Any], reply: Reply) -> str:
    return reply.text if reply.text is not None else f"stub: {last_user_text(body)}"


def words(text: str) -> list[str]:
    """A reply in streamed pieces: each word with the space after it."""
    pieces = [w + " " for w in text.split(" ")]
    pieces[-1] = pieces[-1][:-1]
    return [p for p in pieces if p]


def sse(data: dict[str, Any], event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data)}\n\n".encode()


def stream_open(api: Api, body: dict[str, Any], reply: Reply, number: int) -> list[bytes]:
    if api == "openai":
        return [sse(_chunk(body, number, {"role": "assistant", "content": ""}))]
    message = completion(api, body, reply, number) | {"content": [], "stop_reason": None}
    message["usage"] = {"input_tokens": reply.input_tokens, "output_tokens": 1}
    start = {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}
    return [sse({"type": "message_start", "message": message}, "message_start"), sse(start, "content_block_start")]


def stream_delta(api: Api, body: dict[str, Any], number: int, text: str) -> bytes:
    if api == "openai":
        return sse(_chunk(body, number, {"content": text}))
    delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}}
    return sse(delta, "content_block_delta")


def stream_close(api: Api, body: dict[str, Any], reply: Reply, number: int) -> list[bytes]:
    if api == "openai":
        last = _chunk(body, number, {}, finish=reply.finish_reason or "stop")
        usage = {
            "prompt_tokens": reply.input_tokens,
            "completion_tokens": reply.output_tokens,
            "total_tokens": reply.input_tokens + reply.output_tokens,
        }
        tail = [sse(last)]
        if (body.get("stream_options") or {}).get("include_usage"):
            tail.append(sse(_chunk(body, number, None) | {"choices": [], "usage": usage}))
        return [*tail, b"data: [DONE]\n\n"]
    stop = {"type": "content_block_stop", "index": 0}
    delta = {
        "type": "message_delta",
        "delta": {"stop_reason": reply.finish_reason or "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": reply.output_tokens},
    }
    return [
        sse(stop, "content_block_stop"),
        sse(delta, "message_delta"),
        sse({"type": "message_stop"}, "message_stop"),
    ]


def stream_error(api: Api) -> bytes:
    if api == "openai":
        return sse({"error": {"message": "the stub broke mid-stream", "type": "server_error"}})
    return sse(
        {"type": "error", "error": {"type": "overloaded_error", "message": "the stub broke mid-stream"}}, "error"
    )


def _chunk(
    body: dict[str, Any], number: int, delta: dict[str, Any] | None, finish: str | None = None
) -> dict[str, Any]:
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]
    return {
        "id": f"chatcmpl-stub-{number}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", ""),
        "choices": choices,
    }
