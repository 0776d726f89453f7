"""One OS process of a multi-process quota proof: `python -m tests.integration.persistence.chat_worker URL N`.

It opens the shared database, prints `ready`, waits for a line on stdin (so every process starts together), sends N
concurrent chats, and prints what was admitted as JSON. With `hang` instead of N it reserves one call whose model
never answers, prints `reserved`, and waits to be killed.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict

from tests.integration.persistence.platforms import AGENT, EMAIL, TENANT, Hang, open_platform, race


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


if __name__ == "__main__":
    database_url, what = sys.argv[1], sys.argv[2]
    asyncio.run(hang(database_url) if what == "hang" else chats(database_url, int(what)))
