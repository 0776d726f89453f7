"""SQL conversations and their messages (kept in the order they were written)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.keyset import window
from promptsaas.adapters.persistence.sqlalchemy.mapping import activity as m
from promptsaas.adapters.persistence.sqlalchemy.repositories import SqlRepository, keyed
from promptsaas.application.ports import repositories as ports
from promptsaas.domain.conversations import Conversation, Message

_CONVERSATION = select(t.conversations).where(*keyed(t.conversations, "id"))
_CONVERSATIONS_OF = (
    select(t.conversations)
    .where(*keyed(t.conversations, "user_id"))
    .order_by(t.conversations.c.updated_at.desc(), t.conversations.c.id.desc())
)
_PURGE_BATCH = 500
"""User ids per statement, well under SQLite's bound-parameter limit."""


class SqlConversations(SqlRepository, ports.ConversationRepository):
    async def get(self, tenant_id: str, conversation_id: str) -> Conversation | None:
        row = await self._db.row(_CONVERSATION, {"tenant_id": tenant_id, "id": conversation_id})
        return m.conversation_of(row) if row else None

    async def list_for_user(
        self, tenant_id: str, user_id: str, before: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[Conversation]:
        order = (t.conversations.c.updated_at, t.conversations.c.id)
        statement = window(_CONVERSATIONS_OF, order, before, limit, descending=True)
        rows = await self._db.rows(statement, {"tenant_id": tenant_id, "user_id": user_id})
        return [m.conversation_of(r) for r in rows]

    async def delete(self, tenant_id: str, conversation_id: str) -> None:
        messages, conversations = t.messages, t.conversations
        await self._db.write(
            delete(messages).where(messages.c.tenant_id == tenant_id, messages.c.conversation_id == conversation_id)
        )
        await self._db.write(
            delete(conversations).where(conversations.c.tenant_id == tenant_id, conversations.c.id == conversation_id)
        )

    async def recent_messages(self, tenant_id: str, conversation_id: str, limit: int) -> list[Message]:
        if limit <= 0:
            return []
        table = t.messages
        query = (
            select(table)
            .where(table.c.tenant_id == tenant_id, table.c.conversation_id == conversation_id)
            .order_by(table.c.seq.desc())
            .limit(limit)
        )
        return [m.message_of(r) for r in reversed(await self._db.rows(query))]

    async def purge_messages(
        self, tenant_id: str, user_ids: Sequence[str], before: datetime, *, dry_run: bool = False
    ) -> int:
        count = 0
        for start in range(0, len(user_ids), _PURGE_BATCH):
            owned = select(t.conversations.c.id).where(
                t.conversations.c.tenant_id == tenant_id,
                t.conversations.c.user_id.in_(user_ids[start : start + _PURGE_BATCH]),
            )
            old = [
                t.messages.c.tenant_id == tenant_id,
                t.messages.c.conversation_id.in_(owned),
                t.messages.c.created_at < before,
            ]
            if dry_run:
                counted = select(func.count().label("n")).select_from(t.messages).where(*old)
                count += int((await self._db.rows(counted))[0]["n"])
            else:
                count += await self._db.write(delete(t.messages).where(*old))
        return count
