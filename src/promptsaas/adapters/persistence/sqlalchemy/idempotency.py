"""Idempotency keys in the database, so every server process and worker sees the same claims and answers.

A claim is one statement: INSERT the entry, or ON CONFLICT take it over only if it has expired
(`DO UPDATE ... WHERE expires_at <= :now`), RETURNING a row when this caller won. PostgreSQL's unique index and row
lock, and SQLite's IMMEDIATE transactions, let exactly one of concurrent claimers win. Expired rows are deleted every
`purge_every` claims of a process, so the table holds about a day of keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, null, select, update
from sqlalchemy.dialects import postgresql, sqlite

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.statements import first_read
from promptsaas.application.ports.idempotency import Claim, IdempotencyStore

PURGE_EVERY = 100

_k = t.idempotency_keys
_ENTRY = (_k.c.tenant_id == bindparam("k_tenant"), _k.c.scope_hash == bindparam("k_scope"))
_HELD = select(_k.c.fingerprint, _k.c.response).where(*_ENTRY)
KEEP_ANSWER = update(_k).where(*_ENTRY).values(response=bindparam("answer"), expires_at=bindparam("keep_until"))
"""Also run by the ledger, in the settlement's transaction (see `entry_key`)."""
_RELEASE = delete(_k).where(*_ENTRY, _k.c.response.is_(None))  # an answered call keeps its answer
_HOLDING = select(_k.c.scope_hash).where(
    _k.c.tenant_id == bindparam("k_tenant"),
    _k.c.scope_hash.in_(bindparam("k_scopes", expanding=True)),
    _k.c.expires_at > bindparam("now", type_=UtcDateTime()),
)
_PURGE = delete(_k).where(_k.c.expires_at <= bindparam("now", type_=UtcDateTime()))


def entry_key(tenant_id: str, scope: str) -> dict[str, str]:
    """Keys are chosen by clients, of any length: rows hold their digest."""
    return {"k_tenant": tenant_id, "k_scope": hashlib.sha256(scope.encode()).hexdigest()}


class SqlIdempotencyStore(IdempotencyStore):
    def __init__(self, database: Database, purge_every: int = PURGE_EVERY) -> None:
        self._database = database
        self._purge_every = purge_every
        self._claims = 0
        dialect = postgresql if database.dialect == "postgresql" else sqlite
        entry = dialect.insert(_k).values(
            tenant_id=bindparam("k_tenant"),
            scope_hash=bindparam("k_scope"),
            fingerprint=bindparam("fp"),
            response=null(),
            expires_at=bindparam("until", type_=UtcDateTime()),
        )
        self._claim = entry.on_conflict_do_update(
            index_elements=[_k.c.tenant_id, _k.c.scope_hash],
            set_={
                "fingerprint": entry.excluded.fingerprint,
                "response": null(),
                "expires_at": entry.excluded.expires_at,
            },
            where=_k.c.expires_at <= bindparam("now", type_=UtcDateTime()),
        ).returning(_k.c.fingerprint)

    async def claim(self, tenant_id: str, scope: str, fingerprint: str, now: datetime, expires_at: datetime) -> Claim:
        key = entry_key(tenant_id, scope)
        params = {**key, "fp": fingerprint, "until": expires_at, "now": now}
        self._claims += 1
        while True:
            async with self._database.transaction() as tx:
                won = (await tx.conn.execute(self._claim, params)).first() is not None
                held = None if won else (await tx.conn.execute(_HELD, key)).first()
                if self._claims % self._purge_every == 0:
                    await tx.conn.execute(_PURGE, {"now": now})
            if won:
                return Claim(True, fingerprint)
            if held is not None:  # a lost claim locks the winner's row (PostgreSQL) or holds the write lock (SQLite)
                return Claim(False, held.fingerprint, held.response)
            # Not reached in practice; were the row gone, the next round inserts it or sees who did.

    async def complete(self, tenant_id: str, scope: str, response: dict[str, Any], keep_until: datetime) -> None:
        params = {**entry_key(tenant_id, scope), "answer": response, "keep_until": keep_until}
        async with self._database.transaction() as tx:
            await tx.conn.execute(KEEP_ANSWER, params)

    async def release(self, tenant_id: str, scope: str) -> None:
        async with self._database.transaction() as tx:
            await tx.conn.execute(_RELEASE, entry_key(tenant_id, scope))

    async def held(self, tenant_id: str, scopes: Collection[str], now: datetime) -> set[str]:
        if not scopes:
            return set()
        by_hash = {entry_key(tenant_id, s)["k_scope"]: s for s in scopes}
        params = {"k_tenant": tenant_id, "k_scopes": list(by_hash), "now": now}
        async with self._database.connect() as conn:
            rows = (await first_read(conn, _HOLDING, params)).all()
        return {by_hash[r.scope_hash] for r in rows}

    async def purge(self, now: datetime) -> int:
        """Delete the entries that no longer hold their key; how many."""
        async with self._database.transaction() as tx:
            purged = (await tx.conn.execute(_PURGE, {"now": now})).rowcount
        return int(purged)
