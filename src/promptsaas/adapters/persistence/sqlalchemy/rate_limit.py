"""A rate limiter in the database, so a client's attempts count once across every server process and worker.

Fixed windows: a key's window opens at its first attempt and lasts `window_seconds`; within it at most `limit`
attempts pass. Each attempt is one statement: INSERT the window, or ON CONFLICT count the attempt
(`DO UPDATE ... WHERE hits < :limit`, or restart a window that has ended), RETURNING a row when it passed. A refused
attempt changes nothing, so waiting `retry_after` seconds always helps. Unlike the in-process sliding window, a
client can spend a window's `limit` at its very end and the next window's at once: at most `2 * limit` in any span
of `window_seconds`. Keys are stored as digests (they hold emails and IPs); ended windows are deleted every
`purge_every` attempts of a process.
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta

from sqlalchemy import bindparam, case, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from promptsaas.adapters.persistence.sqlalchemy import tables as t
from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.statements import first_read
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.rate_limit import RateLimiter

PURGE_EVERY = 1000

_w = t.rate_limit_windows
_NOW = bindparam("now", type_=UtcDateTime())
_ENDS = select(_w.c.ends_at).where(_w.c.key_hash == bindparam("k_hash"))
_WINDOW = select(_w.c.hits, _w.c.ends_at).where(_w.c.key_hash == bindparam("k_hash"), _w.c.ends_at > _NOW)
_PURGE = delete(_w).where(_w.c.ends_at <= _NOW)


class SqlRateLimiter(RateLimiter):
    def __init__(self, database: Database, clock: Clock, purge_every: int = PURGE_EVERY) -> None:
        self._database = database
        self._clock = clock
        self._purge_every = purge_every
        self._hits = 0
        dialect = postgresql if database.dialect == "postgresql" else sqlite
        window = dialect.insert(_w).values(
            key_hash=bindparam("k_hash"), hits=1, ends_at=bindparam("new_ends", type_=UtcDateTime())
        )
        ended = _w.c.ends_at <= _NOW
        self._count = window.on_conflict_do_update(
            index_elements=[_w.c.key_hash],
            set_={
                "hits": case((ended, 1), else_=_w.c.hits + 1),
                "ends_at": case((ended, window.excluded.ends_at), else_=_w.c.ends_at),
            },
            where=or_(ended, _w.c.hits < bindparam("limit")),
        ).returning(_w.c.hits)

    async def hit(self, key: str, limit: int, window_seconds: int) -> int | None:
        if limit <= 0:
            return max(1, window_seconds)
        now = self._clock.now()
        key_hash = hashlib.sha256(key.encode()).hexdigest()
        params = {"k_hash": key_hash, "now": now, "new_ends": now + timedelta(seconds=window_seconds), "limit": limit}
        self._hits += 1
        async with self._database.transaction() as tx:
            counted = (await tx.conn.execute(self._count, params)).first() is not None
            ends_at = None if counted else (await tx.conn.execute(_ENDS, {"k_hash": key_hash})).scalar_one_or_none()
            if self._hits % self._purge_every == 0:
                await tx.conn.execute(_PURGE, {"now": now})
        if counted:
            return None
        return max(1, math.ceil((ends_at - now).total_seconds())) if ends_at is not None else 1

    async def blocked(self, key: str, limit: int, window_seconds: int) -> int | None:
        if limit <= 0:
            return max(1, window_seconds)
        now = self._clock.now()
        params = {"k_hash": hashlib.sha256(key.encode()).hexdigest(), "now": now}
        async with self._database.connect() as conn:
            window = (await first_read(conn, _WINDOW, params)).first()
        if window is None or window.hits < limit:
            return None
        return max(1, math.ceil((window.ends_at - now).total_seconds()))  # type: ignore[no-any-return]

    async def purge(self) -> int:
        """Delete the windows that have ended; how many."""
        now = self._clock.now()
        async with self._database.transaction() as tx:
            purged = (await tx.conn.execute(_PURGE, {"now": now})).rowcount
        return int(purged)
