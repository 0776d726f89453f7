"""The demo as the README starts it (`make run`'s commands) runs the demo's Telegram bot when a token is set."""

from __future__ import annotations

import asyncio
import re
import shlex
from pathlib import Path

import pytest

from tests.e2e.telegram.processes import bot_env, cli, free_port, start, stop, wait_until_listening
from tests.support.telegram_stub import TOKEN, TelegramStub

ROOT = Path(__file__).resolve().parents[3]
TOM = 5151
STARTUP = 180.0


def make_run_commands(port: int) -> list[list[str]]:
    """The `promptsaas ...` commands of the Makefile's `run` target, the server moved to a free port."""
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert recipe is not None
    commands = []
    for line in recipe.group(1).splitlines():
        words = shlex.split(line.split("promptsaas", 1)[1])
        if "--port" in words:
            words[words.index("--port") + 1] = str(port)
        commands.append(words)
    return commands


@pytest.fixture
def demo_run(tmp_path: Path, stub: TelegramStub) -> tuple[dict[str, str], list[list[str]], int]:
    port = free_port()
    env = bot_env(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path, stub.url)
    return env, make_run_commands(port), port


async def _serve(
    env: dict[str, str], tmp_path: Path, commands: list[list[str]], port: int
) -> asyncio.subprocess.Process:
    *setup, serve = commands
    for words in setup:
        await cli(env, tmp_path, *words)
    server = await start(env, tmp_path, *serve, log="serve.log")
    await wait_until_listening(port, server)
    return server


async def test_make_run_with_a_token_starts_the_demo_bot_which_answers(
    tmp_path: Path, stub: TelegramStub, demo_run: tuple[dict[str, str], list[list[str]], int]
) -> None:
    env, commands, port = demo_run
    server = await _serve({**env, "PROMPTSAAS_TELEGRAM_BOT_TOKEN": TOKEN}, tmp_path, commands, port)
    try:
        stub.push(stub.text_update(TOM, "/start"))
        await stub.wait_for("sendMessage", 1, within=STARTUP)
        stub.push(stub.text_update(TOM, "hello demo"))
        await stub.wait_for("sendMessage", 2, within=STARTUP)
    finally:
        await stop(server)

    greeting, reply = stub.texts(TOM)
    assert greeting.startswith("Hello! You are talking to tutor.")  # the demo catalog's default agent
    assert "hello demo" in reply
    assert stub.sent("deleteWebhook")
    assert TOKEN not in (tmp_path / "serve.log").read_text()


async def test_make_run_without_a_token_serves_and_says_the_bot_is_not_started(
    tmp_path: Path, stub: TelegramStub, demo_run: tuple[dict[str, str], list[list[str]], int]
) -> None:
    env, commands, port = demo_run
    server = await _serve(env, tmp_path, commands, port)
    try:
        await asyncio.sleep(1.0)
    finally:
        await stop(server)

    assert stub.calls == []
    assert "the Telegram bot of demo is not started: no token is set" in (tmp_path / "serve.log").read_text()
