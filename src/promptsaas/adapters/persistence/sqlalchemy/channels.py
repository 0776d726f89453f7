"""SQL chat state, link codes (with the moves a link makes), channel secrets and messenger updates.

Using a code and marking an update processed are conditional UPDATEs; accepting an update is an INSERT that does
nothing on a known id, so redeliveries racing in several processes store it once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, or_, select, update

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.repositories import SqlRepository, keyed
from promptsaas.adapters.persistence.sqlalchemy.statements import dialect_module
from promptsaas.application.ports import channels as ports
from promptsaas.application.ports.call_metrics import InboxBacklog
from promptsaas.domain.channels import Channel
from promptsaas.domain.links import ChatState, LinkCode
from promptsaas.domain.messengers import ChannelSecret, MessengerUpdate

_CHAT = select(t.chat_states).where(*keyed(t.chat_states, "channel", "subject"))
_CODE = select(t.link_codes).where(*keyed(t.link_codes, "code_hash"))
_SECRET = select(t.channel_secrets).where(*keyed(t.channel_secrets, "channel", "name"))
_u = t.messenger_updates
_FREE = or_(_u.c.claimed_until.is_(None), _u.c.claimed_until <= bindparam("now"))
_PENDING = (
    select(_u)
    .where(*keyed(_u, "provider"), _u.c.processed_at.is_(None), _FREE, _u.c.attempts < bindparam("max_attempts"))
    .order_by(_u.c.received_at, _u.c.external_id)
)

_BACKLOG = select(func.count().label("depth"), func.min(_u.c.received_at).label("oldest_at")).where(
    _u.c.processed_at.is_(None)
)


class _Upserts(SqlRepository):
    async def _upsert(self, table: Table, row: Mapping[str, Any], *key: str) -> None:
        dialect = dialect_module(self._db.dialect)
        insert = dialect.insert(table).values(dict(row))
        replaced = {name: insert.excluded[name] for name in row if name != "tenant_id" and name not in key}
        await self._db.write(
            insert.on_conflict_do_update(index_elements=[table.c.tenant_id, *(table.c[k] for k in key)], set_=replaced)
        )


class SqlChats(_Upserts, ports.ChatStateRepository):
    async def get(self, tenant_id: str, channel: Channel, subject: str) -> ChatState | None:
        row = await self._db.row(_CHAT, {"tenant_id": tenant_id, "channel": channel.value, "subject": subject})
        if row is None:
            return None
        return ChatState(
            row["tenant_id"],
            Channel(row["channel"]),
            row["subject"],
            row["agent"],
            row["conversation_id"],
            dict(row["variables"] or {}),
        )

    async def put(self, state: ChatState) -> None:
        row = {
            "tenant_id": state.tenant_id,
            "channel": state.channel.value,
            "subject": state.subject,
            "agent": state.agent,
            "conversation_id": state.conversation_id,
            "variables": dict(state.variables),
        }
        await self._upsert(t.chat_states, row, "channel", "subject")


class SqlLinks(SqlRepository, ports.LinkRepository):
    async def add_code(self, code: LinkCode) -> None:
        row = {
            "tenant_id": code.tenant_id,
            "code_hash": code.code_hash,
            "user_id": code.user_id,
            "provider": code.provider,
            "subject": code.subject,
            "created_at": code.created_at,
            "expires_at": code.expires_at,
            "used_at": code.used_at,
        }
        await self._db.write(t.link_codes.insert().values(row), conflict=("link code", "new"))

    async def get_code(self, tenant_id: str, code_hash: str) -> LinkCode | None:
        r = await self._db.row(_CODE, {"tenant_id": tenant_id, "code_hash": code_hash})
        if r is None:
            return None
        fields = ("user_id", "created_at", "expires_at", "provider", "subject", "used_at")
        return LinkCode(r["tenant_id"], r["code_hash"], *(r[name] for name in fields))

    async def use_code(self, tenant_id: str, code_hash: str, at: datetime) -> bool:
        c = t.link_codes.c
        statement = (
            update(t.link_codes)
            .where(c.tenant_id == tenant_id, c.code_hash == code_hash, c.used_at.is_(None))
            .values(used_at=at)
        )
        return await self._db.write(statement) == 1

    async def move_identity(self, tenant_id: str, provider: str, subject: str, user_id: str) -> None:
        c = t.identities.c
        where = (c.tenant_id == tenant_id, c.provider == provider, c.subject == subject)
        await self._db.write(update(t.identities).where(*where).values(user_id=user_id))

    async def move_conversations(self, tenant_id: str, from_user: str, to_user: str) -> int:
        return await self._move(t.conversations, tenant_id, from_user, to_user)

    async def move_subscriptions(self, tenant_id: str, from_user: str, to_user: str) -> int:
        return await self._move(t.subscriptions, tenant_id, from_user, to_user)

    async def _move(self, table: Table, tenant_id: str, from_user: str, to_user: str) -> int:
        where = (table.c.tenant_id == tenant_id, table.c.user_id == from_user)
        return await self._db.write(update(table).where(*where).values(user_id=to_user))


class SqlChannelSecrets(_Upserts, ports.ChannelSecretRepository):
    async def get(self, tenant_id: str, channel: str, name: str) -> ChannelSecret | None:
        r = await self._db.row(_SECRET, {"tenant_id": tenant_id, "channel": channel, "name": name})
        if r is None:
            return None
        return ChannelSecret(r["tenant_id"], r["channel"], r["name"], r["key_id"], r["ciphertext"], r["updated_at"])

    async def put(self, secret: ChannelSecret) -> None:
        row = {
            "tenant_id": secret.tenant_id,
            "channel": secret.channel,
            "name": secret.name,
            "key_id": secret.key_id,
            "ciphertext": secret.ciphertext,
            "updated_at": secret.updated_at,
        }
        await self._upsert(t.channel_secrets, row, "channel", "name")

    async def delete(self, tenant_id: str, channel: str, name: str) -> bool:
        s = t.channel_secrets
        where = (s.c.tenant_id == tenant_id, s.c.channel == channel, s.c.name == name)
        return await self._db.write(delete(s).where(*where)) == 1


class SqlMessengerUpdates(SqlRepository, ports.MessengerUpdateRepository):
    async def accept(self, event: MessengerUpdate) -> bool:
        dialect = dialect_module(self._db.dialect)
        row = {
            "tenant_id": event.tenant_id,
            "provider": event.provider,
            "external_id": event.external_id,
            "payload": event.payload,
            "received_at": event.received_at,
            "processed_at": event.processed_at,
        }
        statement = dialect.insert(_u).values(row).on_conflict_do_nothing().returning(_u.c.tenant_id)
        await self._db.transaction.begin()  # RETURNING says "inserted" on every driver; psycopg gives no row count
        return await self._db.row(statement) is not None

    async def claim(
        self, tenant_id: str, provider: str, external_id: str, now: datetime, until: datetime, max_attempts: int
    ) -> bool:
        free = or_(_u.c.claimed_until.is_(None), _u.c.claimed_until <= now)
        where = (*_one(tenant_id, provider, external_id), free, _u.c.attempts < max_attempts)
        claimed = update(_u).where(*where).values(claimed_until=until, attempts=_u.c.attempts + 1)
        return await self._db.write(claimed) == 1

    async def release(self, tenant_id: str, provider: str, external_id: str) -> None:
        await self._db.write(update(_u).where(*_one(tenant_id, provider, external_id)).values(claimed_until=None))

    async def mark_processed(self, tenant_id: str, provider: str, external_id: str, at: datetime) -> bool:
        done = update(_u).where(*_one(tenant_id, provider, external_id)).values(processed_at=at, claimed_until=None)
        return await self._db.write(done) == 1

    async def pending(
        self, tenant_id: str, provider: str, now: datetime, max_attempts: int, limit: int = 100
    ) -> list[MessengerUpdate]:
        params = {"tenant_id": tenant_id, "provider": provider, "now": now, "max_attempts": max_attempts}
        rows = await self._db.rows(_PENDING.limit(limit), params)
        return [
            MessengerUpdate(
                r["tenant_id"],
                r["provider"],
                r["external_id"],
                r["payload"],
                r["received_at"],
                r["processed_at"],
                r["claimed_until"],
                r["attempts"],
            )
            for r in rows
        ]

    async def backlog(self) -> InboxBacklog:
        row = await self._db.row(_BACKLOG)
        return InboxBacklog(int(row["depth"]), row["oldest_at"]) if row else InboxBacklog(0, None)


def _one(tenant_id: str, provider: str, external_id: str) -> tuple[Any, ...]:
    """The update, while it is not applied yet."""
    return (
        _u.c.tenant_id == tenant_id,
        _u.c.provider == provider,
        _u.c.external_id == external_id,
        _u.c.processed_at.is_(None),
    )
