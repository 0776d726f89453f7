"""Server render time of the web app's pages for a tenant with 10,000 usage records (SQLite file, one process).

Migrates a fresh database, loads the demo, writes the usage records straight into the table (30 days, three agents,
some failures), then times each page through the ASGI app in this process: the figure is the server's time to
answer, with no browser and no network; the CPU figure (this process's CPU time per request, test client included)
is what a loaded machine does not inflate.

    uv run python bench/web_pages.py [--records 10000] [--runs 30]
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, select

PAGES = ["/admin", "/admin/usage?group_by=day", "/admin/usage?group_by=user", "/admin/audit", "/", "/chat/tutor"]


def seed(url: str, records: int) -> None:
    from promptsaas.adapters.persistence.sqlalchemy.tables.accounts import tenants, users
    from promptsaas.adapters.persistence.sqlalchemy.tables.activity import usage_records

    engine = create_engine(url)
    with engine.begin() as db:
        tenant = db.execute(select(tenants.c.id).where(tenants.c.slug == "demo")).scalar_one()
        people = [r[0] for r in db.execute(select(users.c.id).where(users.c.tenant_id == tenant))]
        now = datetime.now(UTC)
        rows = [
            {
                "tenant_id": tenant,
                "id": f"bench-{n}",
                "user_id": people[n % len(people)],
                "agent_id": f"agent-{n % 3}",
                "agent_slug": ("tutor", "writer", "translator")[n % 3],
                "prompt_version": 1,
                "channel": "web",
                "model": "offline:echo",
                "created_at": now - timedelta(minutes=(n * 30 * 24 * 60) // records),
                "input_tokens": 20 + n % 50,
                "output_tokens": 30 + n % 70,
                "cost_micros": 40 + n % 90,
                "funding": "plan",
                "plan_code": "free",
                "outcome": "error" if n % 40 == 0 else "ok",
                "error_code": "llm_timeout" if n % 40 == 0 else None,
                "latency_ms": 5,
                "request_id": f"r-{n}",
                "charged_requests": 1,
                "charged_tokens": 50,
            }
            for n in range(records)
        ]
        db.execute(insert(usage_records), rows)


async def measure(runs: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    from litestar.testing import AsyncTestClient

    from promptsaas.entrypoints.http.server import create

    timings: dict[str, list[float]] = {p: [] for p in PAGES}
    cpu: dict[str, list[float]] = {p: [] for p in PAGES}
    async with AsyncTestClient(app=create()) as client:
        await client.get("/login")
        csrf = client.cookies["ps_csrf"]
        form = {"_csrf": csrf, "workspace": "demo", "email": "admin@demo.example", "password": "demo-admin-password"}
        assert (await client.post("/login", data=form)).status_code in (200, 302)
        for path in PAGES:
            for _ in range(runs + 3):
                start, start_cpu = time.perf_counter(), time.process_time()
                response = await client.get(path)
                timings[path].append((time.perf_counter() - start) * 1000)
                cpu[path].append((time.process_time() - start_cpu) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            del timings[path][:3], cpu[path][:3]
    return timings, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
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
        seed(url, args.records)
        timings, cpu = asyncio.run(measure(args.runs))
    print(f"server render, {args.records:,} usage records, {args.runs} runs: wall median / p95, CPU median")
    for path, values in timings.items():
        p95 = statistics.quantiles(values, n=20)[-1]
        used = statistics.median(cpu[path])
        print(f"  {path:<28} {statistics.median(values):6.1f} ms  {p95:6.1f} ms  {used:6.1f} ms CPU")


if __name__ == "__main__":
    main()
