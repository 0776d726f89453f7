"""A user's stored conversations, outside any call: listed, read back, deleted, and purged past retention."""

from __future__ import annotations

from datetime import datetime

from promptsaas.application.paging import Page, PageRequest, page_of, time_key
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.retention import PurgeResult, purge_expired_content
from promptsaas.domain.conversations import Conversation, Message
from promptsaas.domain.errors import NotFound


class ConversationHistory:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def conversations(self, tenant_id: str, user_id: str) -> list[Conversation]:
        async with self._uow() as uow:
            return await uow.conversations.list_for_user(tenant_id, user_id)

    async def conversations_page(self, tenant_id: str, user_id: str, page: PageRequest) -> Page[Conversation]:
        """Most recently updated first; a conversation that moves up during the walk may be seen twice or not."""
        async with self._uow() as uow:
            rows = await uow.conversations.list_for_user(tenant_id, user_id, before=page.after_time(), limit=page.probe)
        return page_of(rows, page, lambda c: time_key(c.updated_at, c.id))

    async def conversation(
        self, tenant_id: str, user_id: str, conversation_id: str
    ) -> tuple[Conversation, list[Message]]:
        async with self._uow() as uow:
            conversation = await uow.conversations.get(tenant_id, conversation_id)
            if conversation is None or conversation.user_id != user_id:
                raise NotFound("conversation", conversation_id)
            return conversation, await uow.conversations.recent_messages(tenant_id, conversation_id, 10_000)

    async def delete(self, tenant_id: str, user_id: str, conversation_id: str) -> None:
        async with self._uow() as uow:
            conversation = await uow.conversations.get(tenant_id, conversation_id)
            if conversation is None or conversation.user_id != user_id:
                raise NotFound("conversation", conversation_id)
            await uow.conversations.delete(tenant_id, conversation_id)
            await uow.commit()

    async def purge(self, now: datetime, *, dry_run: bool = False, tenant_id: str | None = None) -> list[PurgeResult]:
        """Delete conversation content older than each user's retention (see `application.retention`)."""
        return await purge_expired_content(self._uow, now, dry_run=dry_run, tenant_id=tenant_id)
