"""How long a catalog apply of 20,000 new agents holds the write transaction (SQLite file, library in this process).

SQLite has one writer for the whole database, so every other tenant's write waits while an apply writes. The figure
is the time from the apply's first write statement to its last statement (the commit), next to the apply's total.

    uv run python bench/catalog_apply.py [--agents 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

WRITES = ("INSERT", "UPDATE", "DELETE")


def catalog(count: int) -> dict[str, Any]:
    agents = [
        {"slug": f"agent-{n:05d}", "name": f"Agent {n}", "prompt": {"system": "You help.", "model": "offline:echo"}}
        for n in range(count)
    ]
    return {"agents": agents, "plans": [{"code": "free", "name": "Free", "default": True, "agents": "all"}]}


class WriteSpan:
    def __init__(self) -> None:
        self.first: float | None = None
        self.last = 0.0

    def __call__(self, _conn: object, _cursor: object, statement: str, *_: object) -> None:
        now = time.perf_counter()
        if self.first is None and statement.lstrip().upper().startswith(WRITES):
            self.first = now
        self.last = now


async def measure(workdir: Path, agents: int) -> tuple[float, float]:
    from promptsaas.entrypoints.composition.settings import Settings
    from promptsaas.entrypoints.library import AsyncPlatform

    settings = Settings(
        database_url=f"sqlite:///{workdir / 'bench.db'}",
        secret_key_file=str(workdir / "secret_key"),
        encryption_key_file=str(workdir / "encryption_key"),
    )
    async with AsyncPlatform.open(settings=settings) as platform:
        tenant = await platform.create_tenant("big", name="Big")
        engine = platform.container.persistence().database().engine.sync_engine
        span = WriteSpan()
        event.listen(engine, "before_cursor_execute", span)
        start = time.perf_counter()
        await tenant.apply_catalog(catalog(agents))
        total = time.perf_counter() - start
        event.remove(engine, "before_cursor_execute", span)
    assert span.first is not None
    return total, span.last - span.first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        total, writing = asyncio.run(measure(Path(workdir), args.agents))
    print(f"catalog apply of {args.agents:,} new agents, SQLite file")
    print(f"  whole apply            {total:8.2f} s")
    print(f"  write transaction held {writing:8.2f} s (first write to commit)")


if __name__ == "__main__":
    main()
