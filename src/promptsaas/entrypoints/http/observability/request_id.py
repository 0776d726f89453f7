"""The request id of the current request: taken from `X-Request-ID` when it is a sane token, else generated."""

from __future__ import annotations

import re
import uuid

from promptsaas.application.request_scope import current, current_request_id

__all__ = ["HEADER", "current", "current_request_id", "request_id_from"]

HEADER = "x-request-id"
ACCEPTED = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
"""An incoming id is kept only if it cannot forge a log line or a header (no spaces, quotes or control bytes)."""


def request_id_from(header: bytes | None) -> str:
    if header:
        text = header.decode("latin-1")
        if ACCEPTED.fullmatch(text):
            return text
    return uuid.uuid4().hex
