"""What crosses between a shell and the request flow: the `InboundMessage` every channel makes of its input, and
the `Reply` (with its `ReplyUsage`) it gets back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from promptsaas.application.access import LimitView
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import ImagePart, Role
from promptsaas.domain.replies import FinishReason
from promptsaas.domain.requested_params import RequestedParams


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """What a shell makes of its input; that is all a channel adapter does on the way in."""

    tenant_id: str
    user_id: str
    channel: Channel
    agent: str
    text: str
    variables: Mapping[str, object] = field(default_factory=dict)
    style: str | None = None
    conversation_id: str | None = None
    images: tuple[ImagePart, ...] = ()
    idempotency_key: str | None = None
    prior: tuple[tuple[Role, str], ...] | None = None
    """The conversation so far as the client holds it (OpenAI-style), used instead of a stored one."""
    requested: RequestedParams = field(default_factory=RequestedParams)
    """The caller's model parameters (OpenAI-style); the agent's own bound them."""
    client_system: str | None = None
    """The client's own instructions (OpenAI `system`/`developer`), used only by an agent that accepts them."""


@dataclass(frozen=True, slots=True)
class ReplyUsage:
    input_tokens: int
    output_tokens: int
    cost_micros: int
    funding: str


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    conversation_id: str
    usage: ReplyUsage
    limits: list[LimitView]
    model: str
    prompt_version: int
    finish_reason: FinishReason = FinishReason.STOP
    """`length` when the reply was cut at the output budget (`max_tokens`)."""

    @property
    def notice(self) -> str | None:
        """What the person is told under a reply that ended early (cut or filtered); None after a natural end."""
        return self.finish_reason.notice
