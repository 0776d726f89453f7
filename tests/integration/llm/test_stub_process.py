"""The stub as a process, scripted over HTTP: how the demo, e2e tests and benchmarks use it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from promptsaas.adapters.llm.faults import RetryPolicy
from promptsaas.adapters.llm.openai import OpenAIProvider
from tests.integration.llm.conftest import ask

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def stub_url() -> Iterator[str]:
    command = [sys.executable, "-m", "tests.support.llm_stub", "--port", "0", "--record"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        yield json.loads(process.stdout.readline())["url"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


async def test_a_stub_process_is_scripted_and_read_over_http(stub_url: str) -> None:
    async with aiohttp.ClientSession() as session:
        script = [{"kind": "failure", "status": 503}, {"kind": "reply", "text": "from the process"}]
        async with session.post(f"{stub_url}/_stub/script", json=script) as response:
            assert (await response.json())["queued"] == 2
        provider = OpenAIProvider(base_url=f"{stub_url}/v1", api_key="sk-process-key", policy=RetryPolicy(5, 2, 0.001))
        assert (await provider.complete(ask())).text == "from the process"
        await provider.aclose()
        async with session.get(f"{stub_url}/_stub/received") as response:
            received = await response.json()
    assert [r["key"] for r in received] == ["sk-process-key", "sk-process-key"]
    assert received[0]["body"]["messages"][-1] == {"role": "user", "content": "Hello"}
