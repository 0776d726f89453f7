"""One OS process of a multi-process quota proof: `python -m tests.integration.persistence.chat_worker URL N`.

It opens the shared database, prints `ready`, waits for a line on stdin (so every process starts together), sends N
concurrent chats, and prints what was admitted as JSON. With `hang` instead of N it reserves one call whose model
never answers, prints `reserved`, and waits to be killed. With `crash KEY` it sends one chat under that
Idempotency-Key and dies (`os._exit`) the moment the settlement has committed, before any reply is returned.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import asdict

from promptsaas.application.ports.quota import Settlement
from tests.integration.persistence.platforms import AGENT, EMAIL, TENANT, Hang, open_platform, race, runs_message


async def chats(url: str, count: int) -> None:
    platform, _ = await open_platform(url)
    async with platform:
        tenant = platform.tenant(TENANT)
        await tenant.id()
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        tally = await race(tenant, [f"call {i}" for i in range(count)])
        print(json.dumps(asdict(tally)), flush=True)


async def hang(url: str) -> None:
    model = Hang()
    platform, _ = await open_platform(url, ttl_seconds=1, model=model)
    call = asyncio.create_task(platform.tenant(TENANT).chat(EMAIL, AGENT, "never answered"))
    await model.entered.wait()
    print("reserved", flush=True)
    await call


async def crash_after_settle(url: str, key: str) -> None:
    platform, _ = await open_platform(url)
    ledger = platform.container.ledger()
    settle = ledger.settle

    async def settle_then_die(settlement: Settlement) -> None:
        await settle(settlement)
        os._exit(9)

    ledger.settle = settle_then_die  # type: ignore[method-assign]
    message = await runs_message(platform, "answer once", key)
    await platform.container.runs().chat(message)
    raise AssertionError("unreachable")


if __name__ == "__main__":
    database_url, what = sys.argv[1], sys.argv[2]
    if what == "hang":
        asyncio.run(hang(database_url))
    elif what == "crash":
        asyncio.run(crash_after_settle(database_url, sys.argv[3]))
    else:
        asyncio.run(chats(database_url, int(what)))
