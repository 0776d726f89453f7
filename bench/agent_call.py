"""The hot-path benchmark: agent calls over HTTP with an API key, on one server core.

Each call authenticates the API key, asks the policy engine, makes a durable reservation, calls the model, settles
and writes the usage record and the messages. The server runs pinned to core 0 (`taskset`); `wrk` drives it from
core 1 for throughput, and a sequential client measures latency. Two models are measured: `offline:echo` (no model
call: what the platform itself costs) and `openai:gpt-4o-mini` against a loopback OpenAI-compatible stub through the
official SDK. Added latency = API median - stub median, both at one call in flight from the same client.

    uv run python bench/agent_call.py [--seconds 10] [--connections 32] [--calls 1000] [--database-url URL]
                                      [--model offline:echo --model openai:gpt-4o-mini]
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
            "prompt": {"system": "You are terse.", "model": "MODEL", "params": {"max_output_tokens": 64}},
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
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = {p: _ms(re.search(rf"\s{p}%\s+([\d.]+\w+)", out).group(1)) for p in ("50", "99")}  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": latency["50"],
        "p99_ms": latency["99"],
        "errors": float(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": float(sum(int(n) for n in socket.groups())) if socket else 0,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def setup(database_url: str, slug: str, model: str) -> str:
    """A tenant whose `bench` agent uses `model`, a member and an API key; returns the key."""
    catalog = json.loads(json.dumps(CATALOG).replace('"MODEL"', json.dumps(model)))
    code = f"""
import asyncio, json
from promptsaas.entrypoints.library import AsyncPlatform
async def main():
    async with await AsyncPlatform.open({database_url!r}) as p:
        t = await p.create_tenant({slug!r}, name="Bench")
        await t.apply_catalog(json.loads({json.dumps(catalog)!r}))
        user = await t.create_user("bench@example.com", password="bench password 1")
        _, key = await p.container.auth().create_api_key(await t.id(), user.id, "bench")
        print(key)
asyncio.run(main())
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ)
    return run.stdout.strip().splitlines()[-1]


SEQUENTIAL = """
import asyncio, json, sys, time, aiohttp
async def main(url, body, key, calls):
    times = []
    async with aiohttp.ClientSession(headers={"Authorization": "Bearer " + key}) as session:
        for n in range(calls + calls // 10):
            started = time.perf_counter()
            async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as response:
                await response.read()
                assert response.status == 200, response.status
            if n >= calls // 10:
                times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(json.dumps({"p50_ms": times[len(times) // 2], "p99_ms": times[int(len(times) * 0.99)]}))
asyncio.run(main(*sys.argv[1:4], int(sys.argv[4])))
"""


def sequential(url: str, body: str, key: str, calls: int) -> dict[str, float]:
    """Median and p99 of `calls` requests one after another, from core 1 (a tenth more run first, to warm up)."""
    out = subprocess.run(
        ["taskset", "-c", "1", sys.executable, "-c", SEQUENTIAL, url, body, key, str(calls)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {k: round(v, 3) for k, v in json.loads(out).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--calls", type=int, default=1000, help="sequential calls for the latency figures")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--model", action="append", help="offline:echo and/or openai:gpt-4o-mini (default: both)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    models = args.model or ["offline:echo", "openai:gpt-4o-mini"]
    workdir = Path(tempfile.mkdtemp(prefix="promptsaas-bench-"))
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
    server_log = (workdir / "server.log").open("w")  # an access line per call: kept out of the report
    procs = [
        subprocess.Popen(
            ["taskset", "-c", "1", sys.executable, "-m", "tests.support.llm_stub", "--port", str(stub_port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        ),
    ]
    try:
        cli = Path(sys.executable).parent / "promptsaas"
        subprocess.run([str(cli), "--database-url", url, "db", "upgrade"], env=env, check=True, capture_output=True)
        keys = {model: setup(url, f"bench-{os.getpid()}-{n}", model) for n, model in enumerate(models)}
        procs.append(
            subprocess.Popen(
                [
                    "taskset",
                    "-c",
                    "0",
                    sys.executable,
                    "-c",
                    f"from promptsaas.entrypoints.http.server import serve; serve(port={api_port})",
                ],
                env=env,
                cwd=ROOT,
                stdout=server_log,
                stderr=subprocess.STDOUT,
            )
        )
        wait_port(stub_port)
        wait_port(api_port)
        api = f"http://127.0.0.1:{api_port}/v1/agents/bench/runs"
        stub = f"http://127.0.0.1:{stub_port}/v1/chat/completions"
        stub_body = '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "What is 2+2?"}]}'
        base = sequential(stub, stub_body, "sk-bench", args.calls)
        results = []
        for model, key in keys.items():
            wrk(api, LUA % key, connections=4, seconds=2)  # warm up
            single = sequential(api, '{"input": "What is 2+2?"}', key, args.calls)
            loaded = wrk(api, LUA % key, connections=args.connections, seconds=args.seconds)
            model_p50 = base["p50_ms"] if model.startswith("openai") else 0.0
            model_p99 = base["p99_ms"] if model.startswith("openai") else 0.0
            results.append(
                {
                    "model": model,
                    "database": url.split(":")[0],
                    "throughput_calls_per_s": loaded["rps"],
                    "connections": args.connections,
                    "loaded_p50_ms": loaded["p50_ms"],
                    "loaded_p99_ms": loaded["p99_ms"],
                    "errors": loaded["errors"],
                    "api_p50_ms_sequential": single["p50_ms"],
                    "api_p99_ms_sequential": single["p99_ms"],
                    "stub_p50_ms_sequential": model_p50,
                    "added_latency_p50_ms": round(single["p50_ms"] - model_p50, 3),
                    "added_latency_p99_ms": round(single["p99_ms"] - model_p99, 3),
                }
            )
        print(json.dumps(results, indent=2))
    except Exception:
        print("the server's last lines:\n" + "".join((workdir / "server.log").read_text().splitlines(True)[-20:]))
        raise
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)
        server_log.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
