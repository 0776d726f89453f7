"""Per-call overhead of each LLM provider adapter against the loopback stub, per SDK transport.

    uv run --frozen python bench/llm_overhead.py [--calls 2000] [--warmup 200] [--concurrency 1]

The stub runs in its own process and answers at once, so a call's time is the client's overhead (our adapter, the
SDK, its transport) plus one loopback HTTP exchange. `raw aiohttp` posts the same body with a bare aiohttp session:
the floor that no SDK can beat, and the baseline that `overhead` is measured against.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

from promptsaas.adapters.llm.anthropic import AnthropicProvider
from promptsaas.adapters.llm.clients import Transport
from promptsaas.adapters.llm.faults import RetryPolicy
from promptsaas.adapters.llm.openai import OpenAIProvider
from promptsaas.application.ports.llm import ChatMessage, LlmRequest
from promptsaas.domain.conversations import Role, TextPart
from promptsaas.domain.prompts import ModelParams

ROOT = Path(__file__).resolve().parent.parent
REQUEST = LlmRequest(
    "bench-model",
    "You are a concise assistant.",
    (ChatMessage(Role.USER, (TextPart("What is the capital of France?"),)),),
    ModelParams(temperature=0.2, max_output_tokens=256),
)
Call = Callable[[], Awaitable[object]]
TRANSPORTS: tuple[Transport, ...] = ("httpx", "aiohttp")


def start_stub() -> tuple[subprocess.Popen[str], str]:
    stub = subprocess.Popen(
        [sys.executable, "-m", "tests.support.llm_stub", "--port", "0", "--reply", "Paris."],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert stub.stdout is not None
    return stub, json.loads(stub.stdout.readline())["url"]


async def measure(call: Call, calls: int, warmup: int, concurrency: int) -> list[float]:
    for _ in range(warmup):
        await call()
    timings: list[float] = []

    async def worker(count: int) -> None:
        for _ in range(count):
            started = time.perf_counter()
            await call()
            timings.append(time.perf_counter() - started)

    await asyncio.gather(*(worker(calls // concurrency + (i < calls % concurrency)) for i in range(concurrency)))
    return timings


def provider(api: str, url: str, transport: Transport) -> OpenAIProvider | AnthropicProvider:
    policy = RetryPolicy(timeout_seconds=30)
    if api == "openai":
        return OpenAIProvider(base_url=f"{url}/v1", api_key="bench-key", policy=policy, transport=transport)
    return AnthropicProvider(base_url=url, api_key="bench-key", policy=policy, transport=transport)


async def raw_call(session: aiohttp.ClientSession, url: str) -> Call:
    body = {"model": "bench-model", "messages": [{"role": "user", "content": "What is the capital of France?"}]}

    async def call() -> object:
        async with session.post(f"{url}/v1/chat/completions", json=body) as response:
            return await response.json()

    return call


def row(name: str, timings: list[float], baseline: float | None) -> str:
    ordered = sorted(timings)
    median = statistics.median(ordered) * 1e6
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1e6
    over = f"{median - baseline:8.0f}" if baseline is not None else "       -"
    return f"| {name:<22} | {len(ordered):5} | {median:8.0f} | {p99:8.0f} | {over} |"


async def run(calls: int, warmup: int, concurrency: int, rounds: int) -> None:
    """Every client runs `calls / rounds` calls per round, rounds interleaved, so load drift hits all alike."""
    stub, url = start_stub()
    adapters = {f"{api} / {t}": provider(api, url, t) for api in ("openai", "anthropic") for t in TRANSPORTS}
    timings: dict[str, list[float]] = {name: [] for name in ["raw aiohttp (floor)", *adapters]}
    try:
        async with aiohttp.ClientSession() as session:
            clients: dict[str, Call] = {"raw aiohttp (floor)": await raw_call(session, url)}
            clients |= {name: adapter_call(adapter) for name, adapter in adapters.items()}
            for round_ in range(rounds):
                for name, call in clients.items():
                    share = calls // rounds + (round_ < calls % rounds)
                    timings[name] += await measure(call, share, warmup, concurrency)
                    warmup = 0 if name == list(clients)[-1] else warmup
        baseline = statistics.median(timings["raw aiohttp (floor)"]) * 1e6
        print(f"{calls} calls per client in {rounds} interleaved rounds, {concurrency} in flight; microseconds\n")
        print("| client                 | calls |   median |      p99 | overhead |")
        print("|------------------------|------:|---------:|---------:|---------:|")
        for name, values in timings.items():
            print(row(name, values, None if name.startswith("raw") else baseline))
    finally:
        for adapter in adapters.values():
            await adapter.aclose()
        stub.terminate()
        stub.wait()
        if stub.stdout is not None:
            stub.stdout.close()


def adapter_call(adapter: OpenAIProvider | AnthropicProvider) -> Call:
    async def call() -> object:
        return await adapter.complete(REQUEST)

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(run(args.calls, args.warmup, args.concurrency, args.rounds))


if __name__ == "__main__":
    main()
