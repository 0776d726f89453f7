"""The caller's conversations with agents: listed, read back message by message, deleted."""

from __future__ import annotations

from litestar import Response, delete, get
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_204_NO_CONTENT

from promptsaas.application.conversation_history import ConversationHistory
from promptsaas.domain.conversations import ImagePart
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openapi import SIGNED_IN, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.parameters import ConversationId
from promptsaas.entrypoints.http.schemas.members import ConversationDetail, ConversationRead, MessageRead
from promptsaas.entrypoints.http.views import conversation_read


class ConversationsController(MemberController):
    path = "/v1/conversations"
    tags = ["conversations"]

    @get(
        "/",
        operation_id="listConversations",
        summary="List your conversations",
        responses=problems(*SIGNED_IN, *PAGED),
        response_headers=PAGE_HEADERS,
    )
    async def conversations(
        self,
        conversations: NamedDependency[ConversationHistory],
        caller: NamedDependency[Caller],
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[ConversationRead]]:
        """Your conversations with agents on every channel (web, mobile, API, messengers), the most recently
        updated first, a page at a time."""
        items = await conversations.conversations_page(caller.tenant_id, caller.user.id, page_request(limit, cursor))
        return paged([conversation_read(c) for c in items.items], items.next_cursor)

    @get(
        "/{conversation_id:str}",
        operation_id="getConversation",
        summary="Read a conversation",
        responses=problems(*SIGNED_IN, "conversation_not_found"),
    )
    async def conversation(
        self,
        conversations: NamedDependency[ConversationHistory],
        caller: NamedDependency[Caller],
        conversation_id: ConversationId,
    ) -> ConversationDetail:
        """One of your conversations with its messages in order (content older than the plan's retention is
        purged)."""
        conversation, messages = await conversations.conversation(caller.tenant_id, caller.user.id, conversation_id)
        base = conversation_read(conversation)
        return ConversationDetail(
            id=base.id,
            agent_id=base.agent_id,
            channel=base.channel,
            title=base.title,
            created_at=base.created_at,
            updated_at=base.updated_at,
            messages=[
                MessageRead(
                    role=m.role.value,
                    text=m.text,
                    images=sum(isinstance(p, ImagePart) for p in m.parts),
                    created_at=m.created_at.isoformat(),
                    finish_reason=m.finish_reason.value if m.finish_reason else None,
                )
                for m in messages
            ],
        )

    @delete(
        "/{conversation_id:str}",
        status_code=HTTP_204_NO_CONTENT,
        operation_id="deleteConversation",
        summary="Delete a conversation",
        responses=problems(*SIGNED_IN, "conversation_not_found"),
    )
    async def delete_conversation(
        self,
        conversations: NamedDependency[ConversationHistory],
        caller: NamedDependency[Caller],
        conversation_id: ConversationId,
    ) -> None:
        """Delete one of your conversations and its messages; usage records (what was charged) are kept."""
        await conversations.delete(caller.tenant_id, caller.user.id, conversation_id)
