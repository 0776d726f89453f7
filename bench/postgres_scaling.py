"""Agent calls on PostgreSQL with one worker on one core, then two workers on both cores: how far a second worker
carries throughput. The cluster is the tests' throwaway one (`tests/support/postgres.py`), on this same machine, so
the machine's idle CPU during each run is measured too: with none left under one worker, a second has nothing to
run on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from agent_call import LUA, ROOT, free_port, setup, wrk
from server_process import PROMPTSAAS, serve, stop, until_ok

LAYOUTS = ((1, "0"), (2, "0,1"))
"""(workers, cores) measured in turn."""


T = TypeVar("T")
Scaling = tuple[dict[int, float], dict[int, float]]
"""Calls/s and the machine's idle share of its CPU time, each by worker count."""


def idle_share(run: Callable[[], T]) -> tuple[T, float]:
    """`run()`'s result and the share of all cores' time the machine spent idle meanwhile (/proc/stat)."""
    before = _cpu_times()
    result = run()
    after = _cpu_times()
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return result, (spent[3] + spent[4]) / sum(spent)


def _cpu_times() -> list[int]:
    with open("/proc/stat") as stat:
        return [int(n) for n in stat.readline().split()[1:]]


ROTATING_LUA = """keys = {%s}
i = 0
request = function()
  i = i + 1
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. keys[i %% #keys + 1]
  return wrk.format("POST", nil, wrk.headers, '{"input": "What is 2+2?"}')
end
"""
"""wrk taking each tenant's API key in turn."""


def scaling(
    env: dict[str, str], log: Path, *, model: str, seconds: int, connections: int, tenants: int = 1
) -> Scaling | str:
    """Calls/s at `connections` and the machine's idle share per worker count, or why PostgreSQL could not be
    measured. The calls go to `tenants` tenants in turn, each with its own counters: with one, every call updates
    the same counter rows, which PostgreSQL locks from each update to its commit."""
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
        keys = [setup(url, f"bench-pg-{os.getpid()}-{n}", model) for n in range(tenants)]
        script = LUA % keys[0] if tenants == 1 else ROTATING_LUA % ", ".join(f'"{key}"' for key in keys)
        rates, idle = {}, {}
        for workers, cores in LAYOUTS:
            port = free_port()
            process = serve(url, port, env, log, cores=cores, workers=workers)
            try:
                until_ok(f"http://127.0.0.1:{port}/healthz", time.monotonic(), process)
                api = f"http://127.0.0.1:{port}/v1/agents/bench/runs"
                wrk(api, script, connections=4, seconds=2)  # warm up
                run = partial(wrk, api, script, connections=connections, seconds=seconds)
                figures, idle[workers] = idle_share(run)
                rates[workers] = figures["rps"]
            finally:
                stop(process)
        return rates, idle
    finally:
        cluster.stop()
