"""The request id of the current request: taken from `X-Request-ID` when it is a sane token, else generated."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

HEADER = "x-request-id"
ACCEPTED = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
"""An incoming id is kept only if it cannot forge a log line or a header (no spaces, quotes or control bytes)."""

current: ContextVar[str | None] = ContextVar("promptsaas_request_id", default=None)


def request_id_from(header: bytes | None) -> str:
    if header:
        text = header.decode("latin-1")
        if ACCEPTED.fullmatch(text):
            return text
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return current.get()
