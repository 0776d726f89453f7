"""promptsaas beside LiteLLM's proxy on one core: the ratio table of the hot path's targets.

    uv run python bench/versus_litellm.py [--seconds 10] [--connections 32] [--litellm .bench/litellm/bin/litellm]
                                          [--cold-starts 3] [--no-postgres] [--no-access-log]
                                          [--postgres-tenants 1]

The loopback OpenAI stub runs on core 1. On core 0, one worker each: promptsaas (`promptsaas serve`, an API key, the
agent's model `openai:gpt-4o-mini` through the official SDK to the stub, a SQLite file) and LiteLLM's proxy (a master
key, one model mapped to the stub). `wrk` on core 1 drives the stub, promptsaas and LiteLLM in turn, `--seconds` each,
at one connection and then at `--connections`; only the one driven is busy. Added latency is a server's p50 minus
the stub's own at the same concurrency. Then: promptsaas with `offline:echo` (no model call), its cold start to a
first 200 on /healthz, its memory after the load, and agent calls on a throwaway PostgreSQL cluster with one worker
and with two. `make bench-litellm` installs LiteLLM in a venv of its own (its openai pin conflicts with ours).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import litellm_proxy
import postgres_scaling
from agent_call import LUA, ROOT, free_port, setup, wait_port, wrk
from ratio_table import Figures, Measured, render, rows
from server_process import PROMPTSAAS, cold_start, cpu_seconds, rss_mb, serve, stop, until_ok

STUB_BODY = '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "What is 2+2?"}]}'
STUB_LUA = LUA.replace('{"input": "What is 2+2?"}', STUB_BODY) % "sk-bench"
QUESTION = '{"input": "What is 2+2?"}'
Pair = tuple[Figures, Figures]


def answers(url: str, body: str, key: str) -> None:
    """One call answers 200 with the stub's reply: the path under load really reaches the model."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    with urllib.request.urlopen(urllib.request.Request(url, body.encode(), headers), timeout=30) as response:
        text = response.read().decode()
    if "stub: What is 2+2?" not in text:
        raise RuntimeError(f"{url} answered without the stub's reply: {text[:300]}")


Served = tuple[str, str, int]
"""A URL, its wrk script and the pid of the server answering it."""


def metered(path: Served, connections: int, seconds: int) -> Figures:
    """wrk's figures plus the CPU time the server used meanwhile. Calls per CPU-second of the server estimate its
    calls/s on a core of its own: other load still slows each CPU-second (caches, switches), but far less than it
    cuts the server's share of the core."""
    url, script, pid = path
    before = cpu_seconds(pid)
    figures = wrk(url, script, connections=connections, seconds=seconds)
    used = cpu_seconds(pid) - before
    return {**figures, "core_share": used / seconds, "per_cpu_s": figures["rps"] * seconds / used if used else 0.0}


def side_by_side(paths: dict[str, Served], seconds: int, connections: int) -> dict[str, Pair]:
    """Each path warmed up, then wrk at one connection and at `connections`, the paths taking turns at each so that
    the machine's changing load falls on all alike."""
    for url, script, _ in paths.values():
        wrk(url, script, connections=4, seconds=3)
    runs = {n: {name: metered(path, n, seconds) for name, path in paths.items()} for n in (1, connections)}
    return {name: (runs[1][name], runs[connections][name]) for name in paths}


def measure(args: argparse.Namespace, workdir: Path) -> Measured:
    """Every figure of the table; each process it starts is stopped before it returns."""
    url = f"sqlite:///{workdir / 'bench.db'}"
    stub_port, api_port, proxy_port = free_port(), free_port(), free_port()
    stub_url, log = f"http://127.0.0.1:{stub_port}", workdir / "promptsaas.log"
    env = {
        **os.environ,
        "PROMPTSAAS_DATABASE_URL": url,
        "OPENAI_BASE_URL": f"{stub_url}/v1",
        "OPENAI_API_KEY": "sk-bench",
        "PROMPTSAAS_SECRET_KEY": "bench-secret-key-bench-secret-key-0123456789",
        "PROMPTSAAS_LOG_FORMAT": "json",
        "PROMPTSAAS_LOG_LEVEL": "info" if args.access_log else "warning",
    }
    os.environ.update(env)
    command = ["taskset", "-c", "1", sys.executable, "-m", "tests.support.llm_stub", "--port", str(stub_port)]
    processes = [subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)]
    try:
        subprocess.run(
            [str(PROMPTSAAS), "--database-url", url, "db", "upgrade"], env=env, check=True, capture_output=True
        )
        keys = {
            model: setup(url, f"bench-{n}", model) for n, model in enumerate(("openai:gpt-4o-mini", "offline:echo"))
        }
        wait_port(stub_port)
        cold = cold_start(url, api_port, env, log, times=args.cold_starts)
        processes.append(server := serve(url, api_port, env, log))
        until_ok(f"http://127.0.0.1:{api_port}/healthz", time.monotonic(), server)
        started = time.monotonic()
        processes.append(
            proxy := litellm_proxy.start(
                args.litellm, stub_url=stub_url, port=proxy_port, workdir=workdir, core=0, access_log=args.access_log
            )
        )
        liveness = f"http://127.0.0.1:{proxy_port}{litellm_proxy.LIVENESS}"
        try:
            their_cold = until_ok(liveness, started, proxy, timeout=300), cpu_seconds(proxy.pid)
        except RuntimeError as failed:  # the workdir goes with the run: keep why LiteLLM did not start
            tail = (workdir / "litellm.log").read_text(errors="replace").splitlines()[-20:]
            raise RuntimeError("\n".join([str(failed), "the end of LiteLLM's output:", *tail])) from None
        api, chat = (
            f"http://127.0.0.1:{api_port}/v1/agents/bench/runs",
            f"http://127.0.0.1:{proxy_port}{litellm_proxy.CHAT}",
        )
        answers(api, QUESTION, keys["openai:gpt-4o-mini"])
        answers(chat, litellm_proxy.BODY, litellm_proxy.MASTER_KEY)
        paths = {
            "stub": (f"{stub_url}/v1/chat/completions", STUB_LUA, processes[0].pid),
            "promptsaas": (api, LUA % keys["openai:gpt-4o-mini"], server.pid),
            "litellm": (chat, litellm_proxy.lua(), proxy.pid),
        }
        runs = side_by_side(paths, args.seconds, args.connections)
        wrk(api, LUA % keys["offline:echo"], connections=4, seconds=3)
        echo = metered((api, LUA % keys["offline:echo"], server.pid), args.connections, args.seconds)
        rss, their_rss = rss_mb(server.pid), rss_mb(proxy.pid)
    finally:
        for process in reversed(processes):
            stop(process)
    postgres: postgres_scaling.Scaling | str = "skipped (--no-postgres)"
    if not args.no_postgres:
        try:
            postgres = postgres_scaling.scaling(
                env,
                log,
                model="offline:echo",
                seconds=args.seconds,
                connections=args.connections,
                tenants=args.postgres_tenants,
            )
        except (RuntimeError, OSError, subprocess.CalledProcessError) as failed:
            postgres = f"failed: {str(failed).splitlines()[0][:80]}"
    return Measured(
        args.connections,
        runs["stub"],
        runs["promptsaas"],
        runs["litellm"],
        echo,
        cold,
        their_cold,
        rss,
        their_rss,
        postgres,
    )


def report(m: Measured, args: argparse.Namespace, load_at_start: float) -> None:
    logs = "each logging every request" if args.access_log else "neither logging requests"
    print(f"promptsaas beside LiteLLM {litellm_proxy.version(args.litellm)}: one worker each on core 0, {logs};")
    print(f"wrk on core 1, {args.seconds} s per figure; cold start: median of {args.cold_starts} starts (LiteLLM: one,")
    print(f"to its {litellm_proxy.LIVENESS}); RSS: the server's process tree\n")
    print(render(rows(m)))
    (stub1, stubn), ours, theirs = m.stub, m.promptsaas[1]["core_share"], m.litellm[1]["core_share"]
    print(f"\nthe stub alone: p50 {stub1['p50_ms']:.2f} ms at c1, {stubn['p50_ms']:.2f} ms at c{m.connections}")
    print(f"share of core 0 each server had at c{m.connections}: promptsaas {ours:.2f}, LiteLLM {theirs:.2f}")
    if not isinstance(m.postgres, str):
        idle = m.postgres[1]
        spread = f"{args.postgres_tenants} tenants' keys in turn" if args.postgres_tenants > 1 else "one API key"
        print(f"the machine's idle CPU during the PostgreSQL runs ({spread}): ", end="")
        print(f"{idle[1]:.0%} with 1 worker, {idle[2]:.0%} with 2")
    for name, runs in (("promptsaas", [*m.promptsaas, m.echo]), ("LiteLLM", list(m.litellm))):
        for figures in runs:
            if figures["errors"] or figures["socket_errors"]:
                failed = f"{figures['errors']:.0f} error answers, {figures['socket_errors']:.0f} socket errors"
                print(f"WARNING: {name} had {failed} in one run: its figures there are not all calls answered")
    load_at_end = os.getloadavg()[0]
    print(f"load average over the last minute: {load_at_start:.1f} at the start, {load_at_end:.1f} at the end", end="")
    print(" (run it on an otherwise idle machine)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--litellm", type=Path, default=ROOT / ".bench" / "litellm" / "bin" / "litellm")
    parser.add_argument("--cold-starts", type=int, default=3, help="starts of promptsaas serve; the median is shown")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL 2-workers figure")
    parser.add_argument(
        "--postgres-tenants", type=int, default=1, help="spread the PostgreSQL calls over this many tenants' keys"
    )
    parser.add_argument(
        "--no-access-log", dest="access_log", action="store_false", help="both servers without their request log"
    )
    args = parser.parse_args()
    for tool in ("wrk", "taskset"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed: `make bench-tools` installs it")
    if not args.litellm.exists():
        sys.exit(f"no LiteLLM at {args.litellm}: `make bench-litellm` installs it")
    args.litellm = args.litellm.absolute()
    load_at_start = os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="promptsaas-versus-"))
    try:
        measured = measure(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report(measured, args, load_at_start)


if __name__ == "__main__":
    main()
