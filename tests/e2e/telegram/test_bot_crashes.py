"""A crash while an update is handled loses nothing: the update is applied again later, and answered once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

from aiogram.exceptions import TelegramServerError

from promptsaas.entrypoints.library import AsyncPlatform
from promptsaas.entrypoints.telegram.shell import TelegramShell, build_shell
from tests.e2e.telegram.conftest import CATALOG, bot_settings
from tests.support.telegram_stub import TelegramStub

TOM = 7002
CLAIM_SECONDS = 3.0
"""How long the killed process's claim on its update lasts: longer than a restart takes, even on a slow machine."""


@contextlib.asynccontextmanager
async def _process(url: str, stub: TelegramStub, claim_seconds: float = 300) -> AsyncIterator[TelegramShell]:
    """One bot process over the database: the tenant (made once) and its shell."""
    async with AsyncPlatform.open(url, bot_settings(stub, url, claim_seconds=claim_seconds)) as platform:
        if not await platform.tenants():
            acme = await platform.create_tenant("acme")
            await acme.apply_catalog(CATALOG)
        shell = await build_shell(platform.container, "acme")
        try:
            yield shell
        finally:
            await shell.close()


async def _restart(url: str, stub: TelegramStub) -> None:
    """A new process over the same database: its shell applies what the previous one left unfinished."""
    async with _process(url, stub) as shell:
        await shell.replay_pending()


async def _feed(shell: TelegramShell, update: dict[str, object]) -> None:
    await shell.dispatcher.feed_raw_update(shell.bot, update)


async def test_an_update_whose_handling_failed_is_replayed_on_the_next_start_and_answered_once(
    stub: TelegramStub, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    update = stub.photo_update(TOM, "are you there?")
    stub.fail("getFile", status=502)  # the photo cannot be fetched: the handler fails half-way
    async with _process(url, stub) as shell:
        with contextlib.suppress(TelegramServerError):
            await _feed(shell, update)
        for _ in range(4):  # redeliveries while it is pending change nothing
            await _feed(shell, update)
    assert stub.texts(TOM) == []

    await _restart(url, stub)
    await _restart(url, stub)

    assert stub.texts(TOM) == ["You said: are you there? [1 image]"]


async def test_an_update_cut_off_by_a_stopping_process_is_answered_once_on_the_next_start(
    stub: TelegramStub, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'stopped.db'}"
    update = stub.text_update(TOM, "still there?")
    async with _process(url, stub) as shell:
        release = stub.hold()
        handling = asyncio.create_task(_feed(shell, update))
        await asyncio.wait_for(stub.reached.wait(), 30)  # the reply is on its way when the process stops
        handling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await handling
        stub.holding = None
        release.set()

    await _restart(url, stub)
    await _restart(url, stub)

    assert stub.texts(TOM) == ["You said: still there?"]


async def test_a_killed_process_s_update_is_replayed_once_its_claim_runs_out(
    stub: TelegramStub, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    update = stub.text_update(TOM, "anyone?")
    async with _process(url, stub, claim_seconds=CLAIM_SECONDS) as shell:  # killed after its claim, before a reply
        inbox = shell.dispatcher["inbox"]
        assert await inbox.accept(shell.tenant_id, "telegram", str(update["update_id"]), json.dumps(update))
        assert await inbox.claim(shell.tenant_id, "telegram", str(update["update_id"]))
        claimed = time.monotonic()

    await _restart(url, stub)  # the claim is still alive: left alone
    assert time.monotonic() - claimed < CLAIM_SECONDS, "the restart outlived the claim: nothing was tested"
    held = stub.texts(TOM)
    await asyncio.sleep(claimed + CLAIM_SECONDS + 0.1 - time.monotonic())
    await _restart(url, stub)
    await _restart(url, stub)

    assert held == []
    assert stub.texts(TOM) == ["You said: anyone?"]
