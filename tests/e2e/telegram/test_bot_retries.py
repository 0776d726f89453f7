"""A reply Telegram refuses for a while (a 5xx, a 429) is kept in the outbox and sent by the `messenger-retries`
job, once; one it refuses for good (the bot was blocked) is recorded as failed and not retried."""

from __future__ import annotations

import contextlib
import html
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dependency_injector import providers

from promptsaas.adapters.llm.registry import ProviderRegistry
from promptsaas.application.jobs import Job, JobRegistry
from promptsaas.application.ports.outbox import OutboxState
from promptsaas.entrypoints.composition.jobs import register_jobs
from promptsaas.entrypoints.library import AsyncPlatform
from promptsaas.entrypoints.telegram.shell import TelegramShell, build_shell
from tests.e2e.telegram.conftest import CATALOG, Parrot, bot_settings
from tests.support.telegram_stub import TelegramStub

TOM = 7003


@contextlib.asynccontextmanager
async def _bot(tmp_path: Path, stub: TelegramStub) -> AsyncIterator[tuple[AsyncPlatform, TelegramShell]]:
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    async with AsyncPlatform.open(url, bot_settings(stub, url)) as platform:
        platform.container.llm.override(providers.Object(ProviderRegistry({"offline": Parrot()})))
        acme = await platform.create_tenant("acme")
        await acme.apply_catalog(CATALOG)
        shell = await build_shell(platform.container, "acme")
        try:
            yield platform, shell
        finally:
            await shell.close()


def _retries(platform: AsyncPlatform) -> Job:
    """The job as `promptsaas worker` and `serve` register it."""
    return next(j for j in register_jobs(platform.container, JobRegistry()).jobs() if j.name == "messenger-retries")


async def _say(shell: TelegramShell, stub: TelegramStub, text: str) -> None:
    await shell.dispatcher.feed_raw_update(shell.bot, stub.text_update(TOM, text))


async def test_a_reply_refused_for_a_while_is_sent_once_by_the_retry_job(stub: TelegramStub, tmp_path: Path) -> None:
    stub.fail("sendMessage", times=2, status=502)
    async with _bot(tmp_path, stub) as (platform, shell):
        now = datetime.now(UTC)
        await _say(shell, stub, "are you there?")
        job = _retries(platform)
        handled = [await job.run(now), await job.run(now + timedelta(seconds=10))]
        before = list(stub.texts(TOM))
        handled += [await job.run(now + timedelta(minutes=1)), await job.run(now + timedelta(hours=1))]
        replayed = await shell.replay_pending()
        [kept] = await platform.container.messenger_outbox().entries(shell.tenant_id)

    assert before == []
    assert handled == [0, 1, 1, 0]  # not due yet; refused again (put off); sent; nothing left
    assert stub.texts(TOM) == ["are you there?"]
    assert (kept.state, kept.attempts) == (OutboxState.SENT, 2)
    assert replayed == 0  # the update itself was done: it is not applied (nor charged) again


async def test_a_429_is_retried_no_sooner_than_telegram_asked(stub: TelegramStub, tmp_path: Path) -> None:
    stub.fail("sendMessage", status=429, retry_after=30)
    async with _bot(tmp_path, stub) as (platform, shell):
        now = datetime.now(UTC)
        await _say(shell, stub, "slow down")
        job = _retries(platform)
        early = await job.run(now + timedelta(seconds=20))
        on_time = await job.run(now + timedelta(seconds=35))

    assert (early, on_time) == (0, 1)
    assert stub.texts(TOM) == ["slow down"]


async def test_a_long_reply_cut_short_goes_on_with_only_the_parts_not_delivered(
    stub: TelegramStub, tmp_path: Path
) -> None:
    said = "<b>bold & broken</b> " * 600  # six messages once escaped
    stub.fail("sendMessage", status=503, after=2)
    async with _bot(tmp_path, stub) as (platform, shell):
        await _say(shell, stub, said)
        delivered = len(stub.texts(TOM))
        await _retries(platform).run(datetime.now(UTC) + timedelta(minutes=1))

    parts = stub.texts(TOM)
    assert delivered == 2
    assert len(parts) == 6
    assert "".join(html.unescape(p) for p in parts).strip() == said.strip()
    assert len(stub.refused) == 1


async def test_a_reply_to_a_person_who_blocked_the_bot_is_recorded_failed_not_retried(
    stub: TelegramStub, tmp_path: Path
) -> None:
    stub.fail("sendMessage", status=403)
    async with _bot(tmp_path, stub) as (platform, shell):
        await _say(shell, stub, "bye")
        handled = await _retries(platform).run(datetime.now(UTC) + timedelta(hours=1))
        [kept] = await platform.container.messenger_outbox().entries(shell.tenant_id)

    assert handled == 0
    assert stub.texts(TOM) == []
    assert (kept.state, kept.error) == (OutboxState.FAILED, "TelegramForbiddenError")
