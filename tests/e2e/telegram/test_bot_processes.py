"""`promptsaas bot` polling the Bot API stub, and the webhook route of `promptsaas serve` on a real socket."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tests.e2e.telegram.processes import bot_env, cli, free_port, start, stop, wait_until_listening
from tests.support.telegram_stub import TOKEN, TelegramStub

TOM = 4242
STARTUP = 180.0
"""aiogram takes seconds to import (minutes on a loaded machine): the processes get time to start."""


@pytest.fixture
async def demo_env(tmp_path: Path, stub: TelegramStub) -> dict[str, str]:
    """A migrated SQLite file with the demo tenant and its bot token stored through the CLI."""
    env = bot_env(f"sqlite:///{tmp_path / 'bot.db'}", tmp_path, stub.url)
    await cli(env, tmp_path, "db", "upgrade")
    await cli(env, tmp_path, "demo")
    stored = await cli(env, tmp_path, "channel", "telegram", "set", "--tenant", "demo", "--token-stdin", stdin=TOKEN)
    assert TOKEN not in stored
    return env


async def test_the_bot_process_polls_answers_and_applies_a_redelivery_once(
    tmp_path: Path, stub: TelegramStub, demo_env: dict[str, str]
) -> None:
    bot = await start(demo_env, tmp_path, "bot", "--tenant", "demo", log="bot.log")
    try:
        stub.push(stub.text_update(TOM, "/start"))
        stub.push(stub.button_update(TOM, "agent:tutor"))
        await stub.wait_for("sendMessage", 2, within=STARTUP)  # the bot handles updates concurrently
        hello = stub.push(stub.text_update(TOM, "hello bot"))
        for _ in range(4):
            stub.push(dict(hello))  # redelivered in the same batch
        await stub.wait_for("sendMessage", 3, within=STARTUP)
        await asyncio.sleep(0.5)
    finally:
        await stop(bot)
    assert stub.texts(TOM)[0].startswith("Hello! You are talking to ")
    assert stub.texts(TOM)[1].startswith("You are now talking to Math tutor.")
    assert stub.texts(TOM)[2] == "You said: hello bot"
    assert len(stub.texts(TOM)) == 3
    assert [c["command"] for c in stub.sent("setMyCommands")[0]["commands"]][:2] == ["start", "agents"]
    assert TOKEN not in (tmp_path / "bot.log").read_text()


async def test_the_bot_process_follows_other_processes_changes_and_checkpoints_its_writes(
    tmp_path: Path, stub: TelegramStub, demo_env: dict[str, str]
) -> None:
    """With a read cache kept for ten minutes, only the change feed can show the bot an agent retired by the CLI;
    and only a checkpoint moves the bot's writes from the write-ahead log into the database file while it runs."""
    env = {**demo_env, "PROMPTSAAS_CACHE_TTL_SECONDS": "600"}
    database = tmp_path / "bot.db"
    bot = await start(env, tmp_path, "bot", "--tenant", "demo", log="bot.log")
    try:
        stub.push(stub.button_update(TOM, "agent:tutor"))
        stub.push(stub.text_update(TOM, "a checkpointed hello"))
        await stub.wait_for("sendMessage", 2, within=STARTUP)
        for _ in range(100):
            if b"a checkpointed hello" in database.read_bytes():
                break
            await asyncio.sleep(0.1)
        in_file = b"a checkpointed hello" in database.read_bytes()
        await cli(env, tmp_path, "agent", "retire", "--tenant", "demo", "tutor")
        await asyncio.sleep(1.0)
        stub.push(stub.text_update(TOM, "still there?"))
        await stub.wait_for("sendMessage", 3, within=STARTUP)
    finally:
        await stop(bot)
    assert in_file, "the bot's writes stayed in the write-ahead log"
    assert stub.texts(TOM)[1] == "You said: a checkpointed hello"
    assert "You said" not in stub.texts(TOM)[2]


async def test_the_webhook_route_checks_the_secret_answers_at_once_and_replies_once(
    tmp_path: Path, stub: TelegramStub, demo_env: dict[str, str]
) -> None:
    port = free_port()
    server = await start(demo_env, tmp_path, "serve", "--port", str(port), log="serve.log")
    try:
        await wait_until_listening(port, server)
        base = f"http://127.0.0.1:{port}"
        await cli(demo_env, tmp_path, "bot", "--tenant", "demo", "--set-webhook", base)
        hook = stub.sent("setWebhook")[0]
        assert hook["url"] == f"{base}/v1/webhooks/telegram/demo"
        secret = str(hook["secret_token"])
        url = f"{base}/v1/webhooks/telegram/demo"
        update = stub.text_update(TOM, "via webhook")
        choose = stub.button_update(TOM, "agent:tutor")
        async with httpx.AsyncClient(timeout=10) as client:
            chosen = await client.post(url, json=choose, headers={"X-Telegram-Bot-Api-Secret-Token": secret})
            await stub.wait_for("sendMessage", 1, within=STARTUP)
            wrong = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
            missing = await client.post(url, json=stub.text_update(TOM, "no secret"))
            answers = [
                await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret})
                for _ in range(5)
            ]
        await stub.wait_for("sendMessage", 2, within=STARTUP)
        await asyncio.sleep(0.5)
    finally:
        await stop(server)
    assert (wrong.status_code, missing.status_code) == (403, 403)
    assert wrong.json()["code"] == "webhook_forbidden"
    assert [a.status_code for a in answers] == [200] * 5
    assert chosen.status_code == 200
    chose, replied = stub.texts(TOM)
    assert chose.startswith("You are now talking to Math tutor.")
    assert replied == "You said: via webhook"
    assert secret not in (tmp_path / "serve.log").read_text()


async def test_the_bot_process_sends_a_reply_telegram_refused_once_its_retry_is_due(
    tmp_path: Path, stub: TelegramStub, demo_env: dict[str, str]
) -> None:
    stub.fail("sendMessage", status=502)
    bot = await start(demo_env, tmp_path, "bot", "--tenant", "demo", log="bot.log")
    try:
        stub.push(stub.text_update(TOM, "/help"))
        await stub.wait_for("sendMessage", 1, within=STARTUP)  # the job runner in the bot process sent it
        await asyncio.sleep(1.0)
    finally:
        await stop(bot)
    assert len(stub.refused) == 1
    assert len(stub.texts(TOM)) == 1
    assert "/agents" in stub.texts(TOM)[0]
