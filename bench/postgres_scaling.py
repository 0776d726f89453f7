"""Agent calls on PostgreSQL with one worker on one core, then two workers on both cores: how far a second worker
carries throughput. The cluster is the tests' throwaway one (`tests/support/postgres.py`), on this same machine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from agent_call import LUA, ROOT, free_port, setup, wrk
from server_process import PROMPTSAAS, serve, stop, until_ok

LAYOUTS = ((1, "0"), (2, "0,1"))
"""(workers, cores) measured in turn."""


def scaling(env: dict[str, str], log: Path, *, model: str, seconds: int, connections: int) -> dict[int, float] | str:
    """Calls/s at `connections` per worker count, or why PostgreSQL could not be measured."""
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import PostgresServer, ThrowawayCluster, _installed_bindir

    bindir = _installed_bindir()
    if bindir is None:
        return "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin)"
    cluster = ThrowawayCluster(bindir)
    try:
        url = PostgresServer(cluster.start()).create_database()
        env = {**env, "PROMPTSAAS_DATABASE_URL": url}
        os.environ.update(env)
        subprocess.run(
            [str(PROMPTSAAS), "--database-url", url, "db", "upgrade"], env=env, check=True, capture_output=True
        )
        key = setup(url, f"bench-pg-{os.getpid()}", model)
        rates = {}
        for workers, cores in LAYOUTS:
            port = free_port()
            process = serve(url, port, env, log, cores=cores, workers=workers)
            try:
                until_ok(f"http://127.0.0.1:{port}/healthz", time.monotonic(), process)
                api = f"http://127.0.0.1:{port}/v1/agents/bench/runs"
                wrk(api, LUA % key, connections=4, seconds=2)  # warm up
                rates[workers] = wrk(api, LUA % key, connections=connections, seconds=seconds)["rps"]
            finally:
                stop(process)
        return rates
    finally:
        cluster.stop()
