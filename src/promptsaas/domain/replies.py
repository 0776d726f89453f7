"""How a reply ended."""

from __future__ import annotations

from enum import StrEnum


class FinishReason(StrEnum):
    """Why a reply ended, in OpenAI's words: clients read `length` as "cut short, ask for more"."""

    STOP = "stop"
    """A natural end, or one of the stop sequences."""
    LENGTH = "length"
    """The output budget (`max_tokens`) ran out."""
    CONTENT_FILTER = "content_filter"
    """The provider's content filter withheld (the rest of) the reply."""
