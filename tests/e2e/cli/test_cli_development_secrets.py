"""Development secrets follow the SQLite file: the CLI run from two working directories on one database keeps the
same signing and encryption keys, so tokens and users' own keys keep working and nothing is flagged; and a changed
encryption key is `byok_key_undecryptable`, never a key flagged as rejected by its provider."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml

from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform
from tests.support.llm_stub import LlmStub, Reply

SCRIPT = Path(sys.executable).parent / "promptsaas"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "promptsaas.entrypoints.cli.main"]
EMAIL, PASSWORD = "ann@example.com", "ann-pa55word-e2e"
USER_KEY = "sk-ann-own-key-0123456789wxyz"
CATALOG = """\
agents:
  - {slug: tutor, name: Tutor, prompt: {system: "You are a tutor.", model: "openai:gpt-4o-mini"}}
plans:
  - {code: free, name: Free, default: true, byok: true, limits: [{metric: requests, window: day, amount: 0}]}
"""
pytestmark = pytest.mark.slow

Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
async def stub() -> AsyncIterator[LlmStub]:
    async with LlmStub(default=Reply("Hello from the stub")) as stub:
        yield stub


@pytest.fixture
def env(tmp_path: Path, stub: LlmStub, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """No stray settings; the database is an absolute path in `data/`, OpenAI is the loopback stub."""
    prefixes = ("PROMPTSAAS_", "OPENAI_", "ANTHROPIC_")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    inherited.pop("PYTHONDONTWRITEBYTECODE", None)
    return {
        **inherited,
        "PYTHONPYCACHEPREFIX": str(tmp_path_factory.getbasetemp() / "pycache"),
        "PROMPTSAAS_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'promptsaas.db'}",
        "PROMPTSAAS_PASSWORD_MEMORY_KIB": "1024",
        "PROMPTSAAS_PASSWORD_TIME_COST": "1",
        "OPENAI_BASE_URL": stub.openai_url,
    }


@pytest.fixture
def here(tmp_path: Path) -> Path:
    (tmp_path / "here").mkdir()
    (tmp_path / "data").mkdir()
    return tmp_path / "here"


@pytest.fixture
def there(tmp_path: Path) -> Path:
    (tmp_path / "there").mkdir()
    return tmp_path / "there"


def cli(env: dict[str, str], cwd: Path) -> Cli:
    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*COMMAND, *args], input=input, capture_output=True, text=True, env=env, cwd=cwd, timeout=120
        )

    return run


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, (done.args, done.stdout, done.stderr)
    return done.stdout


async def set_up(env: dict[str, str]) -> str:
    """Through the library, from this process's own working directory: a tenant whose plan allows no call but lets
    Ann fall back to her own OpenAI key. Returns an access token signed for Ann."""
    settings = Settings(database_url=env["PROMPTSAAS_DATABASE_URL"], password_memory_kib=1024, password_time_cost=1)
    async with await AsyncPlatform.open(settings=settings) as platform:
        acme = await platform.create_tenant("acme")
        await acme.apply_catalog(yaml.safe_load(CATALOG))
        await acme.create_user(EMAIL, PASSWORD)
        await acme.set_provider_key(EMAIL, "openai", USER_KEY)
        return (await platform.container.auth().login(await acme.id(), EMAIL, PASSWORD)).access_token


async def audit_actions(env: dict[str, str]) -> list[str]:
    settings = Settings(database_url=env["PROMPTSAAS_DATABASE_URL"])
    async with await AsyncPlatform.open(settings=settings) as platform:
        return [e.action for e in await platform.tenant("acme").audit_log(100)]


def key_flags(run: Cli) -> list[bool]:
    return [k["invalid"] for k in json.loads(ok(run("--json", "provider-key", "list", "-t", "acme", "--as", EMAIL)))]


@contextmanager
def serving(env: dict[str, str], cwd: Path) -> Iterator[str]:
    """`promptsaas serve` started from `cwd`, until `/readyz` answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", str(port)], env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert process.poll() is None, process.communicate()[1]
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=15)


def my_keys(url: str, token: str) -> httpx.Response:
    return httpx.get(f"{url}/v1/me/provider-keys", headers={"Authorization": f"Bearer {token}"}, timeout=30)


async def test_tokens_and_own_keys_keep_working_from_another_working_directory(
    env: dict[str, str], here: Path, there: Path, tmp_path: Path, stub: LlmStub
) -> None:
    from_here, from_there = cli(env, here), cli(env, there)
    token = await set_up(env)
    reply_here = await asyncio.to_thread(from_here, "chat", "-t", "acme", "--as", EMAIL, "tutor", "one")

    def with_the_token_from_there() -> httpx.Response:
        with serving(env, there) as url:
            return my_keys(url, token)

    keys_there = await asyncio.to_thread(with_the_token_from_there)
    reply_there = await asyncio.to_thread(from_there, "chat", "-t", "acme", "--as", EMAIL, "tutor", "two")

    assert "Hello from the stub" in ok(reply_here)
    assert "Hello from the stub" in ok(reply_there)
    assert keys_there.status_code == 200, keys_there.text
    assert [k["invalid"] for k in keys_there.json()] == [False]
    assert stub.keys == [USER_KEY, USER_KEY]
    assert sorted(p.name for p in (tmp_path / "data" / ".promptsaas").iterdir()) == ["encryption_key", "secret_key"]
    assert not (here / ".promptsaas").exists()
    assert not (there / ".promptsaas").exists()


async def test_a_changed_encryption_key_is_its_own_error_and_leaves_the_key_unflagged(
    env: dict[str, str], here: Path, tmp_path: Path, stub: LlmStub
) -> None:
    run = cli(env, here)
    await set_up(env)
    key_file = tmp_path / "data" / ".promptsaas" / "encryption_key"
    sealed_with = key_file.rename(tmp_path / "encryption_key.kept")

    failed = await asyncio.to_thread(run, "chat", "-t", "acme", "--as", EMAIL, "tutor", "one")
    flags = await asyncio.to_thread(key_flags, run)
    sealed_with.replace(key_file)
    audit = await audit_actions(env)
    again = await asyncio.to_thread(run, "chat", "-t", "acme", "--as", EMAIL, "tutor", "two")

    assert failed.returncode == 1, (failed.stdout, failed.stderr)
    *warnings, message = failed.stderr.strip().splitlines()
    assert message.startswith("error: byok_key_undecryptable: ")
    assert "encryption key changed" in message
    assert not [line for line in warnings if "Traceback" in line]
    assert USER_KEY not in failed.stderr + failed.stdout
    assert flags == [False]
    assert "provider_key.set" in audit
    assert "provider_key.invalid" not in audit
    assert "Hello from the stub" in ok(again)
    assert stub.keys == [USER_KEY]
