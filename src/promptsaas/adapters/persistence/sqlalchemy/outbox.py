"""The messenger outbox in SQL: one short write transaction per step; the claim is a conditional UPDATE, so of
several processes sending due replies, one sends each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.statements import first_read
from promptsaas.adapters.persistence.sqlalchemy.tables.outbox import messenger_outbox as _o
from promptsaas.application.ports.messenger import Answer, Button
from promptsaas.application.ports.outbox import OutboxEntry, OutboxState, OutboxStore


class SqlOutboxStore(OutboxStore):
    def __init__(self, database: Database) -> None:
        self._database = database

    async def keep(self, entry: OutboxEntry) -> None:
        row = {
            "tenant_id": entry.tenant_id,
            "id": entry.id,
            "provider": entry.provider,
            "chat_id": entry.chat_id,
            "answer": answer_json(entry.answer),
            "state": entry.state.value,
            "attempts": entry.attempts,
            "due_at": entry.due_at,
            "created_at": entry.created_at,
            "finished_at": entry.finished_at,
            "error": entry.error,
        }
        async with self._database.transaction() as tx:
            await tx.conn.execute(insert(_o).values(row))

    async def claim_due(self, now: datetime, lease_until: datetime, limit: int = 50) -> list[OutboxEntry]:
        due = (
            select(_o.c.tenant_id, _o.c.id)
            .where(_o.c.state == OutboxState.PENDING.value, _o.c.due_at <= now)
            .order_by(_o.c.created_at, _o.c.id)
            .limit(limit)
        )
        async with self._database.connect() as conn:
            keys = [(row.tenant_id, row.id) for row in await first_read(conn, due)]
        claimed = []
        for tenant_id, entry_id in keys:
            claim = (
                update(_o)
                .where(
                    _o.c.tenant_id == tenant_id,
                    _o.c.id == entry_id,
                    _o.c.state == OutboxState.PENDING.value,
                    _o.c.due_at <= now,
                )
                .values(due_at=lease_until, attempts=_o.c.attempts + 1)
                .returning(*_o.c)
            )
            async with self._database.transaction() as tx:
                row = (await tx.conn.execute(claim)).mappings().first()
            if row is not None:
                claimed.append(_entry(row))
        return claimed

    async def retry_later(self, tenant_id: str, entry_id: str, at: datetime, answer: Answer, error: str) -> None:
        values = {"due_at": at, "answer": answer_json(answer), "error": error}
        async with self._database.transaction() as tx:
            await tx.conn.execute(update(_o).where(_o.c.tenant_id == tenant_id, _o.c.id == entry_id).values(values))

    async def finish(
        self, tenant_id: str, entry_id: str, state: OutboxState, at: datetime, error: str | None = None
    ) -> None:
        values: dict[str, Any] = {"state": state.value, "finished_at": at}
        if error is not None:
            values["error"] = error
        async with self._database.transaction() as tx:
            await tx.conn.execute(update(_o).where(_o.c.tenant_id == tenant_id, _o.c.id == entry_id).values(values))

    async def entries(self, tenant_id: str, limit: int = 100) -> list[OutboxEntry]:
        query = (
            select(_o).where(_o.c.tenant_id == tenant_id).order_by(_o.c.created_at.desc(), _o.c.id.desc()).limit(limit)
        )
        async with self._database.connect() as conn:
            return [_entry(r) for r in (await first_read(conn, query)).mappings().all()]


def answer_json(answer: Answer) -> dict[str, Any]:
    rows = [[[b.label, b.action, b.url] for b in row] for row in answer.buttons]
    return {"text": answer.text, "buttons": rows}


def answer_of(data: dict[str, Any]) -> Answer:
    rows = tuple(tuple(Button(label, action, url) for label, action, url in row) for row in data.get("buttons", []))
    return Answer(str(data.get("text", "")), rows)


def _entry(r: Any) -> OutboxEntry:
    return OutboxEntry(
        r["tenant_id"],
        r["id"],
        r["provider"],
        r["chat_id"],
        answer_of(r["answer"]),
        r["created_at"],
        r["due_at"],
        OutboxState(r["state"]),
        r["attempts"],
        r["error"],
        r["finished_at"],
    )
