"""The hot-path benchmark: agent calls over HTTP with an API key, on one server core.

Each call authenticates the API key, asks the policy engine, makes a durable reservation, calls a loopback
OpenAI-compatible stub through the official SDK, settles and writes the usage record. The server runs pinned to
core 0 (`taskset`), `wrk` drives it from the other core. Added latency = API median - stub median at concurrency 1.

    uv run python bench/agent_call.py [--seconds 10] [--connections 32] [--database-url sqlite:///...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOG = {
    "agents": [
        {
            "slug": "bench",
            "name": "Bench",
            "history_turns": 0,
            "prompt": {"system": "You are terse.", "model": "openai:gpt-4o-mini", "params": {"max_output_tokens": 64}},
        }
    ],
    "plans": [
        {
            "code": "bench",
            "name": "Bench",
            "default": True,
            "agents": "all",
            "limits": [
                {"metric": "requests", "window": "minute", "amount": 1_000_000_000},
                {"metric": "tokens", "window": "billing_period", "amount": 1_000_000_000_000},
            ],
        }
    ],
}
LUA = """wrk.method = "POST"
wrk.body = '{"input": "What is 2+2?"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %s"
"""
STUB_LUA = """wrk.method = "POST"
wrk.body = '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "What is 2+2?"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def wrk(url: str, script: str, *, connections: int, seconds: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = {p: _ms(re.search(rf"\s{p}%\s+([\d.]+\w+)", out).group(1)) for p in ("50", "99")}  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": latency["50"], "p99_ms": latency["99"], "errors": float(non_2xx.group(1)) if non_2xx else 0}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def setup(database_url: str) -> str:
    """Tenant, catalog, member and API key; returns the key."""
    code = f"""
import asyncio, json
from entrypoints.library import AsyncPlatform
async def main():
    async with await AsyncPlatform.open({database_url!r}) as p:
        t = await p.create_tenant("bench", name="Bench")
        await t.apply_catalog(json.loads({json.dumps(CATALOG)!r}))
        user = await t.create_user("bench@example.com", password="bench password 1")
        _, key = await p.container.auth().create_api_key(await t.id(), user.id, "bench")
        print(key)
asyncio.run(main())
"""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="promptsaas-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    stub_port, api_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}", "PROMPTSAAS_DATABASE_URL": url,
           "OPENAI_BASE_URL": f"http://127.0.0.1:{stub_port}/v1", "OPENAI_API_KEY": "sk-bench",
           "PROMPTSAAS_SECRET_KEY": "bench-secret-key-bench-secret-key-0123456789"}
    os.environ.update(env)
    procs = [
        subprocess.Popen(["taskset", "-c", "1", sys.executable, "-m", "tests.support.llm_stub", "--port", str(stub_port)],
                         env=env, cwd=ROOT, stdout=subprocess.DEVNULL),
    ]
    try:
        key = setup(url)
        procs.append(subprocess.Popen(
            ["taskset", "-c", "0", sys.executable, "-c",
             f"from entrypoints.http.server import serve; serve(port={api_port})"], env=env, cwd=ROOT))
        wait_port(stub_port)
        wait_port(api_port)
        api = f"http://127.0.0.1:{api_port}/v1/agents/bench/runs"
        stub = f"http://127.0.0.1:{stub_port}/v1/chat/completions"
        wrk(api, LUA % key, connections=4, seconds=2)  # warm up
        base = wrk(stub, STUB_LUA, connections=1, seconds=args.seconds)
        single = wrk(api, LUA % key, connections=1, seconds=args.seconds)
        loaded = wrk(api, LUA % key, connections=args.connections, seconds=args.seconds)
        print(json.dumps({
            "database": url.split(":")[0],
            "throughput_calls_per_s": loaded["rps"],
            "loaded_p50_ms": loaded["p50_ms"], "loaded_p99_ms": loaded["p99_ms"], "errors": loaded["errors"],
            "stub_p50_ms": base["p50_ms"], "api_p50_ms_c1": single["p50_ms"],
            "added_latency_p50_ms": round(single["p50_ms"] - base["p50_ms"], 3),
            "added_latency_p99_ms": round(single["p99_ms"] - base["p99_ms"], 3),
        }, indent=2))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
