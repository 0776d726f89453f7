"""In-memory conversations and their messages; deleting a conversation deletes its messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from promptsaas.adapters.persistence.memory.keyset import window
from promptsaas.adapters.persistence.memory.repositories import _Repo
from promptsaas.adapters.persistence.memory.store import Journal, Table
from promptsaas.application.ports import repositories as ports
from promptsaas.domain.conversations import Conversation, Message


class MemoryConversations(_Repo, ports.ConversationRepository):
    def __init__(self, table: Table, messages: Table, journal: Journal) -> None:
        super().__init__(table, journal)
        self._messages = messages

    async def get(self, tenant_id: str, conversation_id: str) -> Conversation | None:
        return self._table.get((tenant_id, conversation_id))  # type: ignore[no-any-return]

    async def list_for_user(
        self, tenant_id: str, user_id: str, before: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[Conversation]:
        mine = [c for c in self._of(tenant_id) if c.user_id == user_id]
        return window(mine, lambda c: (c.updated_at, c.id), before, limit, descending=True)

    async def delete(self, tenant_id: str, conversation_id: str) -> None:
        for message in self._messages_of(tenant_id, conversation_id):
            self._messages.delete(self._journal, (tenant_id, message.id))
        self._table.delete(self._journal, (tenant_id, conversation_id))

    async def recent_messages(self, tenant_id: str, conversation_id: str, limit: int) -> list[Message]:
        return self._messages_of(tenant_id, conversation_id)[-limit:] if limit > 0 else []

    async def purge_messages(
        self, tenant_id: str, user_ids: Sequence[str], before: datetime, *, dry_run: bool = False
    ) -> int:
        owners = {c.id for c in self._of(tenant_id) if c.user_id in set(user_ids)}
        old = [
            m
            for m in self._messages.values()
            if m.tenant_id == tenant_id and m.conversation_id in owners and m.created_at < before
        ]
        if not dry_run:
            for message in old:
                self._messages.delete(self._journal, (tenant_id, message.id))
        return len(old)

    def _messages_of(self, tenant_id: str, conversation_id: str) -> list[Message]:
        return [m for m in self._messages.values() if m.tenant_id == tenant_id and m.conversation_id == conversation_id]
