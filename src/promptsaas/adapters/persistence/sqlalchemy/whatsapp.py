"""The WhatsApp channel's store in SQL: one short write transaction per step, each a single conditional statement
where a race matters (the inbox insert, the claim, a status that only moves forward)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.statements import first_read
from promptsaas.application.ports.call_metrics import InboxBacklog
from promptsaas.application.ports.whatsapp_store import (
    OUTBOUND_ACCEPTED,
    InboxEntry,
    InboxState,
    OutboundRecord,
    WhatsAppStore,
    rank_of,
)
from promptsaas.domain.whatsapp import DeliveryStatus, InboundKind, InboundWhatsApp

_i, _o = t.whatsapp_inbox, t.whatsapp_outbound


def message_to_json(message: InboundWhatsApp) -> dict[str, Any]:
    return {
        "id": message.message_id,
        "person": message.person,
        "reply_to": message.reply_to,
        "kind": message.kind.value,
        "text": message.text,
        "media_id": message.media_id,
        "mime_type": message.mime_type,
        "choice": message.choice,
        "name": message.name,
    }


def message_from_json(data: dict[str, Any]) -> InboundWhatsApp:
    return InboundWhatsApp(
        data["id"],
        data["person"],
        data["reply_to"],
        InboundKind(data["kind"]),
        data.get("text") or "",
        data.get("media_id"),
        data.get("mime_type"),
        data.get("choice"),
        data.get("name") or "",
    )


def _entry(row: Any) -> InboxEntry:
    return InboxEntry(
        row.tenant_id,
        message_from_json(row.message),
        InboxState(row.state),
        row.attempts,
        row.received_at,
        row.error_code,
        row.error,
        row.answer,
    )


class SqlWhatsAppStore(WhatsAppStore):
    def __init__(self, database: Database) -> None:
        self._database = database
        self._dialect = postgresql if database.dialect == "postgresql" else sqlite

    async def accept(
        self, tenant_id: str, messages: Sequence[InboundWhatsApp], statuses: Sequence[DeliveryStatus], now: datetime
    ) -> list[str]:
        stored: list[str] = []
        async with self._database.transaction() as tx:
            for message in messages:
                insert = self._dialect.insert(_i).values(
                    tenant_id=tenant_id,
                    message_id=message.message_id,
                    message=message_to_json(message),
                    state=InboxState.PENDING.value,
                    attempts=0,
                    received_at=now,
                )
                insert = insert.on_conflict_do_nothing(index_elements=[_i.c.tenant_id, _i.c.message_id])
                if (await tx.conn.execute(insert.returning(_i.c.message_id))).first() is not None:
                    stored.append(message.message_id)
            for status in statuses:
                await tx.conn.execute(self._status(tenant_id, status, now))
        return stored

    def _status(self, tenant_id: str, status: DeliveryStatus, now: datetime) -> Any:
        insert = self._dialect.insert(_o).values(
            tenant_id=tenant_id,
            id=status.message_id,
            inbound_id=None,
            recipient="",
            state=status.state.value,
            state_rank=rank_of(status.state),
            error_code=status.error_code,
            updated_at=now,
        )
        return insert.on_conflict_do_update(
            index_elements=[_o.c.tenant_id, _o.c.id],
            set_={
                "state": insert.excluded.state,
                "state_rank": insert.excluded.state_rank,
                "error_code": insert.excluded.error_code,
                "updated_at": insert.excluded.updated_at,
            },
            where=_o.c.state_rank < insert.excluded.state_rank,
        )

    async def claim(self, tenant_id: str, message_id: str, now: datetime, lease_until: datetime) -> InboxEntry | None:
        statement = (
            update(_i)
            .where(
                _i.c.tenant_id == tenant_id,
                _i.c.message_id == message_id,
                _i.c.state == InboxState.PENDING.value,
                or_(_i.c.lease_until.is_(None), _i.c.lease_until <= now),
            )
            .values(lease_until=lease_until, attempts=_i.c.attempts + 1)
            .returning(*_i.c)
        )
        async with self._database.transaction() as tx:
            row = (await tx.conn.execute(statement)).first()
        return None if row is None else _entry(row)

    async def due(self, now: datetime, limit: int = 50) -> list[tuple[str, str]]:
        query = (
            select(_i.c.tenant_id, _i.c.message_id)
            .where(
                _i.c.state == InboxState.PENDING.value,
                or_(_i.c.lease_until.is_(None), _i.c.lease_until <= now),
            )
            .order_by(_i.c.received_at)
            .limit(limit)
        )
        async with self._database.connect() as conn:
            return [(row.tenant_id, row.message_id) for row in await first_read(conn, query)]

    async def backlog(self) -> InboxBacklog:
        query = select(func.count().label("depth"), func.min(_i.c.received_at).label("oldest_at")).where(
            _i.c.state == InboxState.PENDING.value
        )
        async with self._database.connect() as conn:
            row = (await first_read(conn, query)).one()
        return InboxBacklog(int(row.depth), row.oldest_at)

    async def save_answer(self, tenant_id: str, message_id: str, answer: dict[str, Any]) -> None:
        async with self._database.transaction() as tx:
            await tx.conn.execute(
                update(_i).where(_i.c.tenant_id == tenant_id, _i.c.message_id == message_id).values(answer=answer)
            )

    async def finish(
        self,
        tenant_id: str,
        message_id: str,
        state: InboxState,
        sent: Sequence[tuple[str, str]],
        now: datetime,
        *,
        error_code: str | None = None,
        error: str | None = None,
    ) -> None:
        async with self._database.transaction() as tx:
            await tx.conn.execute(
                update(_i)
                .where(_i.c.tenant_id == tenant_id, _i.c.message_id == message_id)
                .values(state=state.value, finished_at=now, lease_until=None, error_code=error_code, error=error)
            )
            for wamid, recipient in sent:
                insert = self._dialect.insert(_o).values(
                    tenant_id=tenant_id,
                    id=wamid,
                    inbound_id=message_id,
                    recipient=recipient,
                    state=OUTBOUND_ACCEPTED,
                    state_rank=0,
                    error_code=None,
                    updated_at=now,
                )
                await tx.conn.execute(
                    insert.on_conflict_do_update(
                        index_elements=[_o.c.tenant_id, _o.c.id],
                        set_={"inbound_id": insert.excluded.inbound_id, "recipient": insert.excluded.recipient},
                    )
                )

    async def retry_later(self, tenant_id: str, message_id: str, at: datetime, error_code: str, error: str) -> None:
        async with self._database.transaction() as tx:
            await tx.conn.execute(
                update(_i)
                .where(and_(_i.c.tenant_id == tenant_id, _i.c.message_id == message_id))
                .values(lease_until=at, error_code=error_code, error=error)
            )

    async def entries(self, tenant_id: str, limit: int = 50) -> list[InboxEntry]:
        query = select(_i).where(_i.c.tenant_id == tenant_id).order_by(_i.c.received_at.desc()).limit(limit)
        async with self._database.connect() as conn:
            return [_entry(row) for row in await first_read(conn, query)]

    async def outbound(self, tenant_id: str, limit: int = 100) -> list[OutboundRecord]:
        query = select(_o).where(_o.c.tenant_id == tenant_id).order_by(_o.c.updated_at.desc()).limit(limit)
        async with self._database.connect() as conn:
            return [
                OutboundRecord(r.tenant_id, r.id, r.inbound_id, r.recipient, r.state, r.error_code, r.updated_at)
                for r in await first_read(conn, query)
            ]
