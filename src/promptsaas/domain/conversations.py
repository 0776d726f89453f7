"""Conversations and messages with text and image parts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from promptsaas.domain.channels import Channel
from promptsaas.domain.replies import FinishReason


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


@dataclass(frozen=True, slots=True)
class TextPart:
    text: str


@dataclass(frozen=True, slots=True)
class ImagePart:
    """An image given by URL (kept as a reference) or as base64 data with its MIME type."""

    mime_type: str
    url: str | None = None
    data: str | None = None


Part = TextPart | ImagePart


def text_of(parts: tuple[Part, ...]) -> str:
    return "\n".join(p.text for p in parts if isinstance(p, TextPart))


@dataclass(slots=True)
class Conversation:
    id: str
    tenant_id: str
    user_id: str
    agent_id: str
    channel: Channel
    created_at: datetime
    updated_at: datetime
    title: str = ""


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    tenant_id: str
    conversation_id: str
    role: Role
    parts: tuple[Part, ...]
    created_at: datetime
    input_tokens: int = 0
    output_tokens: int = 0
    finish_reason: FinishReason | None = None
    """How the model ended a reply (None for the user's messages and replies stored before it was kept)."""

    @property
    def text(self) -> str:
        return text_of(self.parts)

    @property
    def notice(self) -> str | None:
        """What a person reads under a reply that ended early (see `FinishReason.notice`)."""
        return self.finish_reason.notice if self.finish_reason else None


@dataclass(frozen=True, slots=True)
class Exchange:
    """One turn of a conversation: the user's message and the reply, stored together with the call's usage."""

    conversation: Conversation
    is_new: bool
    """Store the conversation itself (its first turn), or only move its `updated_at` to the messages' time."""
    messages: tuple[Message, ...]
