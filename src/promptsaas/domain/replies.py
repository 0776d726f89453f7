"""How a reply ended, and the words a person reads when it ended early."""

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

    @property
    def notice(self) -> str | None:
        """What every shell tells the person under a reply that ended early; None after a natural end."""
        return _CUT_SHORT.get(self)


_CUT_SHORT = {
    FinishReason.LENGTH: "reply cut short: the answer reached its length limit",
    FinishReason.CONTENT_FILTER: "reply cut short: the provider's content filter withheld the rest",
}
