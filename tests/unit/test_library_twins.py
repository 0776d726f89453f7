"""The synchronous twins cannot drift (every async method has a sync one with the same signature, written out),
and the private loop they run on starts, refuses and winds down as promised."""

from __future__ import annotations

import asyncio
import inspect
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from promptsaas.domain.errors import InvalidInput
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant, Platform, SyncTenant
from promptsaas.entrypoints.library_accounts import AsyncAccounts, SyncAccounts
from promptsaas.entrypoints.library_loop import LoopThread

ROOT = Path(__file__).resolve().parents[2]
# The return types that differ on purpose: a sync method hands out the sync handle.
SYNC_RETURNS = {
    "AsyncTenant": "SyncTenant",
    "Opening[Self]": "Self",
    "AsyncAccounts": "SyncAccounts",
    "AsyncReplyStream": "ReplyStream",
}
STREAMS = {"stream"}
"""Methods that hand out an iterator at once (`async for` over it), so they are not coroutines."""


def public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("_") and name in dir(cls)
    }


def as_sync(signature: inspect.Signature) -> inspect.Signature:
    returns = signature.return_annotation
    return signature.replace(return_annotation=SYNC_RETURNS.get(returns, returns))


@pytest.mark.parametrize(
    ("async_cls", "sync_cls"),
    [(AsyncTenant, SyncTenant), (AsyncPlatform, Platform), (AsyncAccounts, SyncAccounts)],
)
def test_every_async_method_has_a_sync_twin_with_the_same_signature(async_cls: type, sync_cls: type) -> None:
    async_methods, sync_methods = public_methods(async_cls), public_methods(sync_cls)

    assert sorted(sync_methods) == sorted(async_methods)
    for name, signature in async_methods.items():
        assert sync_methods[name] == as_sync(signature), name


def test_async_tenant_methods_are_coroutines_and_their_twins_are_not() -> None:
    for name in public_methods(AsyncTenant):
        assert inspect.iscoroutinefunction(getattr(AsyncTenant, name)) is (name not in STREAMS), name
        assert not inspect.iscoroutinefunction(getattr(SyncTenant, name)), name


def test_the_sync_tenant_methods_are_real_attributes_with_the_async_docstrings() -> None:
    assert not hasattr(SyncTenant, "__getattr__")
    assert {"chat", "usage_report", "apply_catalog", "limits", "push_prompt"} <= set(dir(SyncTenant))
    assert SyncTenant.chat.__doc__ == AsyncTenant.chat.__doc__
    assert "AccessDenied" in (SyncTenant.chat.__doc__ or "")


def test_a_platform_method_called_on_its_own_loop_is_refused_instead_of_hanging() -> None:
    loop = LoopThread()

    async def nested() -> None:
        async def inner() -> None: ...

        loop.run(inner())

    try:
        with pytest.raises(RuntimeError, match="its own event loop"):
            loop.run(nested())
    finally:
        loop.close()


@pytest.mark.slow
def test_mypy_checks_calls_on_the_sync_tenant(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        "from promptsaas import Platform\n"
        "with Platform.in_memory() as platform:\n"
        "    acme = platform.create_tenant('acme')\n"
        "    reply: str = acme.chat('ann@example.com', 'tutor').text\n"
        "    acme.usage_report(group_by=1)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "MYPYPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(ROOT / ".mypy_cache"), str(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert 'Missing positional argument "text" in call to "chat" of "SyncTenant"' in result.stdout, result.stdout
    assert 'Argument "group_by" to "usage_report" of "SyncTenant" has incompatible type "int"' in result.stdout
    assert "Found 2 errors" in result.stdout


def test_closing_the_loop_cancels_work_still_running_on_it() -> None:
    loop = LoopThread()
    started, cancelled = asyncio.Event(), []

    async def forever() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def spawn() -> asyncio.Task[None]:
        task = asyncio.create_task(forever())
        await started.wait()
        return task

    task = loop.run(spawn())
    loop.close()

    assert cancelled == [True]
    assert task.cancelled()
    assert not loop.thread.is_alive()


def test_a_platform_that_fails_to_open_leaves_no_thread_behind() -> None:
    before = set(threading.enumerate())

    with pytest.raises(InvalidInput, match="database URL"):
        Platform.open("mysql://db/p")

    assert set(threading.enumerate()) <= before
