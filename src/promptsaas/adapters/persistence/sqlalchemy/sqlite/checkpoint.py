"""Write-ahead log checkpoints off the request path.

SQLite copies the WAL back into the database file (and syncs both) on the commit that takes the log past its
auto-checkpoint size; that commit's caller waits for the copy and the syncs, a few milliseconds every fifty or so
agent calls. A serving process (and `promptsaas bot` on its own) instead checkpoints in a thread every `interval`
seconds (PASSIVE: it never waits for, nor blocks, a reader or a writer), so the log stays short and the commits on
the event loop only append to it.
The connections' own auto-checkpoint (`AUTO_CHECKPOINT_PAGES`) stays as a backstop for processes that run no
checkpointer (the CLI, `promptsaas worker`, the library) and for a burst that outruns the thread.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

INTERVAL_S = 0.05
AUTO_CHECKPOINT_PAGES = 10_000
"""About 40 MB of log (4 KiB pages) before a commit checkpoints on its own; SQLite's default is 1,000."""
log = logging.getLogger("promptsaas.persistence")


async def checkpoint_forever(path: Path, interval: float = INTERVAL_S) -> None:
    """PASSIVE checkpoints of the database file at `path` every `interval` seconds until cancelled, on a connection
    of their own in a thread of their own (the `sqlite3` module releases the GIL while SQLite copies and syncs). The
    connection is closed on that thread too, after the checkpoint in progress when the task was cancelled."""
    loop = asyncio.get_running_loop()
    thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wal-checkpoint")
    connection = await loop.run_in_executor(thread, _connect, path)
    try:
        while True:
            await asyncio.sleep(interval)
            try:
                await loop.run_in_executor(thread, _checkpoint, connection)
            except sqlite3.Error:  # another process's checkpoint, or a closing database: the next one tries again
                log.debug("WAL checkpoint failed", exc_info=True)
    finally:
        thread.submit(connection.close)
        thread.shutdown(wait=False)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA busy_timeout=0")
    return connection


def _checkpoint(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
