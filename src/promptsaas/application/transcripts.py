"""The conversation's side of a call: the history the runtime reads before it, and the turn it adds after it."""

from __future__ import annotations

from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.runtime import Answer
from promptsaas.domain.agents import Agent
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import Conversation, Exchange, Message, Part, Role, TextPart, text_of
from promptsaas.domain.errors import NotFound


class Transcript:
    """Conversation history in and out: what the runtime reads before a call, and the turn it adds after it."""

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._uow = uow
        self._ids = ids
        self._clock = clock

    async def open(
        self,
        tenant_id: str,
        user_id: str,
        agent: Agent,
        channel: Channel,
        conversation_id: str | None,
        limit: int,
    ) -> tuple[Conversation, list[Message]]:
        """The caller's conversation with its last `limit` messages, or a new (not yet stored) one."""
        if conversation_id is None:
            now = self._clock.now()
            return Conversation(self._ids.new_id(), tenant_id, user_id, agent.id, channel, now, now), []
        async with self._uow() as uow:
            conversation = await uow.conversations.get(tenant_id, conversation_id)
            if conversation is None or conversation.user_id != user_id or conversation.agent_id != agent.id:
                raise NotFound("conversation", conversation_id)
            history = await uow.conversations.recent_messages(tenant_id, conversation_id, limit) if limit else []
        return conversation, history

    def exchange(
        self, conversation: Conversation, user_parts: tuple[Part, ...], answer: Answer, *, is_new: bool
    ) -> Exchange:
        """The user's message and the reply as a conversation turn (titled by its first message when new), for the
        settlement to store with the call's usage."""
        now = self._clock.now()
        tenant_id, conversation_id = conversation.tenant_id, conversation.id
        asked = Message(self._ids.new_id(), tenant_id, conversation_id, Role.USER, user_parts, now, answer.input_tokens)
        replied = Message(
            self._ids.new_id(),
            tenant_id,
            conversation_id,
            Role.ASSISTANT,
            (TextPart(answer.text),),
            now,
            0,
            answer.output_tokens,
            answer.finish_reason,
        )
        if is_new:
            conversation.title = text_of(user_parts)[:80]
        return Exchange(conversation, is_new, (asked, replied))
