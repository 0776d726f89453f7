"""A server whose tenants use offline models only starts without the SDKs and libraries it does not need: the
app built by the worker's factory, started and asked `/healthz` in a fresh process, has imported none of them (read
from its `sys.modules`), so its cold start and memory do not pay for them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.http.server_process import promptsaas, server_env

pytestmark = pytest.mark.slow

UNNEEDED = (
    "openai",
    "anthropic",
    "stripe",
    "aiogram",
    "httpx",
    "litellm",
    "rich",
    "litestar.plugins.pydantic",
    "litestar.plugins.attrs",
)
"""rich is installed for the CLI's tables; structlog would import it for a traceback formatter the logs do not use.
Litestar's pydantic and attrs plugins load whenever those packages are installed, unless the app leaves them out."""

WORKER = """
import asyncio, json, sys

from promptsaas.entrypoints.http.server import create


async def started_and_healthy(app):
    inbox, started, replies = asyncio.Queue(), asyncio.Event(), []

    async def send_lifespan(message):
        if message["type"].startswith("lifespan.startup"):
            replies.append(message["type"])
            started.set()

    await inbox.put({"type": "lifespan.startup"})
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    lifespan = asyncio.create_task(app(scope, inbox.get, send_lifespan))
    await started.wait()
    await asyncio.sleep(0.2)  # the background jobs' first runs
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": "/healthz", "raw_path": b"/healthz", "query_string": b"", "root_path": "", "headers": [],
        "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8000), "state": {},
    }

    async def request():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def respond(message):
        if message["type"] == "http.response.start":
            replies.append(message["status"])

    await app(scope, request, respond)
    loaded = sorted({part for name in sys.modules for part in (name.split(".")[0], name)})
    await inbox.put({"type": "lifespan.shutdown"})
    await lifespan
    return replies, loaded  # each top-level package, and each module by its full name


replies, loaded = asyncio.run(started_and_healthy(create()))
print(json.dumps({"replies": replies, "modules": loaded}))
"""


def test_a_server_on_offline_models_starts_without_sdks(tmp_path: Path) -> None:
    env = server_env(f"sqlite:///{tmp_path / 'promptsaas.db'}", tmp_path)
    promptsaas(env, tmp_path, "db", "upgrade")
    assert json.loads(promptsaas(env, tmp_path, "--json", "demo"))["tenant"] == "demo"  # offline models: no keys set

    done = subprocess.run(
        [sys.executable, "-c", WORKER], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["replies"] == ["lifespan.startup.complete", 200]
    assert "litestar" in seen["modules"]  # the modules were read: the check below is not vacuous
    assert [name for name in UNNEEDED if name in seen["modules"]] == []
