"""`GET /v1/agents` for a tenant selling 20,000 published agents (SQLite file, the app in this process).

Migrates a fresh database, loads the demo, copies the demo's `tutor` agent and its active prompt version 20,000 times
straight into the tables, then times the storefront as a member asks for it: the first page (`GET /v1/agents`), a
walk through every page, and the whole list as the web app and the bots read it (one service call).

    uv run python bench/storefront.py [--agents 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select

MEMBER = {"email": "member@demo.example", "password": "demo-member-password"}


def seed(url: str, agents: int) -> None:
    """`agents` copies of the demo's `tutor`, each published with an active version."""
    from promptsaas.adapters.persistence.sqlalchemy.tables import agents as agent_table
    from promptsaas.adapters.persistence.sqlalchemy.tables import prompt_versions

    engine = create_engine(url)
    with engine.begin() as db:
        agent = dict(db.execute(select(agent_table).where(agent_table.c.slug == "tutor")).mappings().one())
        version = dict(
            db.execute(
                select(prompt_versions).where(
                    prompt_versions.c.agent_id == agent["id"], prompt_versions.c.status == "active"
                )
            )
            .mappings()
            .one()
        )
        agent_rows: list[dict[str, Any]] = []
        version_rows: list[dict[str, Any]] = []
        for n in range(agents):
            agent_id = f"bench-agent-{n:05d}"
            agent_rows.append(agent | {"id": agent_id, "slug": f"bench-{n:05d}", "name": f"Bench {n}"})
            version_rows.append(version | {"id": f"bench-version-{n:05d}", "agent_id": agent_id})
        db.execute(insert(agent_table), agent_rows)
        db.execute(insert(prompt_versions), version_rows)
    engine.dispose()


async def measure(runs: int) -> dict[str, list[float]]:
    from litestar.testing import AsyncTestClient

    from promptsaas.entrypoints.http.server import create

    timings: dict[str, list[float]] = {"first page": [], "every page": []}
    async with AsyncTestClient(app=create(), timeout=600) as client:
        login = await client.post("/v1/auth/login", json=MEMBER, headers={"X-Tenant": "demo"})
        assert login.status_code == 200, login.text
        bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
        for _ in range(runs):
            start = time.perf_counter()
            response = await client.get("/v1/agents", headers=bearer)
            timings["first page"].append(time.perf_counter() - start)
            assert response.status_code == 200, response.text
        start, cursor, listed = time.perf_counter(), None, 0
        while True:
            params = {"limit": 200} | ({"cursor": cursor} if cursor else {})
            response = await client.get("/v1/agents", headers=bearer, params=params)
            assert response.status_code == 200, response.text
            listed += len(response.json())
            cursor = response.headers.get("X-Next-Cursor")
            if cursor is None:
                break
        timings["every page"].append(time.perf_counter() - start)
        print(f"  listed {listed:,} agents in total over the pages")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{Path(workdir) / 'bench.db'}"
        os.environ.update(
            PROMPTSAAS_DATABASE_URL=url,
            PROMPTSAAS_SECRET_KEY_FILE=str(Path(workdir) / "secret_key"),
            PROMPTSAAS_ENCRYPTION_KEY_FILE=str(Path(workdir) / "encryption_key"),
            PROMPTSAAS_PASSWORD_MEMORY_KIB="1024",
            PROMPTSAAS_PASSWORD_TIME_COST="1",
        )
        cli = [sys.executable, "-m", "promptsaas.entrypoints.cli.main"]
        for command in (["db", "upgrade"], ["demo"]):
            subprocess.run([*cli, *command], check=True, capture_output=True)
        seed(url, args.agents)
        timings = asyncio.run(measure(args.runs))
    print(f"GET /v1/agents, {args.agents:,} published agents, SQLite file: median (min) seconds")
    for name, values in timings.items():
        print(f"  {name:<12} {statistics.median(values):8.3f} s ({min(values):.3f} s)")


if __name__ == "__main__":
    main()
