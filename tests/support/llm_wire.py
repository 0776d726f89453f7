"""What the LLM stub says and hears: scripted steps, recorded requests, and the two providers' wire formats."""

from __future__ import annotations

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


@dataclass(frozen=True)
class Failure:
    """An error status in the provider's own error format."""

    status: int = 503
    message: str = "the stub was told to fail"
    retry_after: float | None = None


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
    text = reply.text if reply.text is not None else f"stub: {last_user_text(body)}"
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
                    "finish_reason": "stop",
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
        "stop_reason": "end_turn",
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
