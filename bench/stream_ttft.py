"""Time to first token: a streamed call through promptsaas against the provider stub streaming directly.

    uv run python bench/stream_ttft.py [--calls 300] [--database-url URL]

The stub (OpenAI's streaming API, answering at once) and the server run in their own processes, pinned to a core
each when `taskset` is there; one client makes the calls one after another, interleaving the paths in rounds so load
drift hits all alike. A call's time to first token runs from sending the request to reading the first event that
carries text; promptsaas's includes the key check, the policy and the durable reservation taken before that token.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
from agent_call import ROOT, free_port, setup, wait_port

QUESTION = "What is the capital of France?"
REPLY = "Paris is the capital of France."
FirstToken = Callable[[], Awaitable[float]]


def pinned(core: int, command: list[str]) -> list[str]:
    return ["taskset", "-c", str(core), *command] if shutil.which("taskset") else command


async def first_text(response: aiohttp.ClientResponse, has_text: Callable[[dict[str, object]], bool]) -> None:
    """Read server-sent events until one carries text; the rest of the stream is drained, untimed, by the caller."""
    assert response.status == 200, response.status
    while line := await response.content.readline():
        if line.startswith(b"data: {") and has_text(json.loads(line[6:])):
            return
    raise RuntimeError("the stream ended without text")


def chunk_text(chunk: dict[str, object]) -> bool:
    choices = chunk.get("choices") or []
    return any((c.get("delta") or {}).get("content") for c in choices)  # type: ignore[union-attr]


def run_text(event: dict[str, object]) -> bool:
    return bool(event.get("text"))


def timed(session: aiohttp.ClientSession, url: str, body: dict[str, object], headers: dict[str, str]) -> FirstToken:
    async def call() -> float:
        started = time.perf_counter()
        async with session.post(url, json=body, headers=headers) as response:
            await first_text(response, run_text if url.endswith("/runs") else chunk_text)
            elapsed = time.perf_counter() - started
            await response.read()
        return elapsed

    return call


def timed_whole(
    session: aiohttp.ClientSession, url: str, body: dict[str, object], headers: dict[str, str]
) -> FirstToken:
    """A plain call's whole time, for comparison: what a client waited for its first word before streaming."""

    async def call() -> float:
        started = time.perf_counter()
        async with session.post(url, json=body, headers=headers) as response:
            assert response.status == 200, response.status
            await response.read()
        return time.perf_counter() - started

    return call


async def measure(paths: dict[str, FirstToken], calls: int, rounds: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in paths}
    for call in paths.values():  # warm up: connections, caches, the SDK's first request
        for _ in range(10):
            await call()
    for round_ in range(rounds):
        for name, call in paths.items():
            for _ in range(calls // rounds + (round_ < calls % rounds)):
                timings[name].append(await call())
    return timings


def report(timings: dict[str, list[float]], calls: int) -> None:
    def figures(values: list[float]) -> tuple[float, float]:
        ordered = sorted(values)
        return statistics.median(ordered) * 1e3, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e3

    stub_p50 = figures(timings["provider stub, direct"])[0]
    print(f"time to first token, {calls} sequential calls per path (a plain call: its whole time); milliseconds\n")
    print("| path                                    | median |    p99 | median - stub's |")
    print("|-----------------------------------------|-------:|-------:|----------------:|")
    for name, values in timings.items():
        p50, p99 = figures(values)
        over = f"{p50 - stub_p50:+15.2f}" if name != "provider stub, direct" else " " * 14 + "-"
        print(f"| {name:<39} | {p50:6.2f} | {p99:6.2f} | {over} |")
    added = figures(timings["promptsaas /v1/chat/completions"])[0] - stub_p50
    print(f"\npromptsaas adds {added:.2f} ms to the stub's time to first token (target: within 3 ms)")
    print(f"load average over the last minute: {os.getloadavg()[0]:.1f} (run it on an otherwise idle machine)")


async def drive(api: str, stub: str, key: str, calls: int, rounds: int) -> dict[str, list[float]]:
    bearer = {"Authorization": f"Bearer {key}"}
    ask = [{"role": "user", "content": QUESTION}]
    async with aiohttp.ClientSession() as session:
        paths = {
            "provider stub, direct": timed(
                session,
                f"{stub}/v1/chat/completions",
                {"model": "gpt-4o-mini", "messages": ask, "stream": True},
                {"Authorization": "Bearer sk-bench"},
            ),
            "promptsaas /v1/chat/completions": timed(
                session, f"{api}/v1/chat/completions", {"model": "bench", "messages": ask, "stream": True}, bearer
            ),
            "promptsaas /v1/agents/bench/runs (SSE)": timed(
                session, f"{api}/v1/agents/bench/runs", {"input": QUESTION}, {**bearer, "Accept": "text/event-stream"}
            ),
            "promptsaas /v1/agents/bench/runs (JSON)": timed_whole(
                session, f"{api}/v1/agents/bench/runs", {"input": QUESTION}, bearer
            ),
        }
        return await measure(paths, calls, rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="promptsaas-ttft-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    stub_port, api_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        "PROMPTSAAS_DATABASE_URL": url,
        "OPENAI_BASE_URL": f"http://127.0.0.1:{stub_port}/v1",
        "OPENAI_API_KEY": "sk-bench",
        "PROMPTSAAS_SECRET_KEY": "bench-secret-key-bench-secret-key-0123456789",
    }
    os.environ.update(env)
    stub_command = [sys.executable, "-m", "tests.support.llm_stub", "--port", str(stub_port), "--reply", REPLY]
    quiet = {"stdout": subprocess.DEVNULL}
    procs = [subprocess.Popen(pinned(1, stub_command), env=env, cwd=ROOT, **quiet)]
    try:
        cli = Path(sys.executable).parent / "promptsaas"
        subprocess.run([str(cli), "--database-url", url, "db", "upgrade"], env=env, check=True, capture_output=True)
        key = setup(url, f"ttft-{os.getpid()}", "openai:gpt-4o-mini")
        serve = f"from promptsaas.entrypoints.http.server import serve; serve(port={api_port})"
        log = {"stdout": (workdir / "server.log").open("w"), "stderr": subprocess.STDOUT}  # its access lines
        procs.append(subprocess.Popen(pinned(0, [sys.executable, "-c", serve]), env=env, cwd=ROOT, **log))
        wait_port(stub_port)
        wait_port(api_port, timeout=120)  # a loaded machine starts the server slowly
        local = "http://127.0.0.1"
        timings = asyncio.run(drive(f"{local}:{api_port}", f"{local}:{stub_port}", key, args.calls, args.rounds))
        report(timings, args.calls)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
