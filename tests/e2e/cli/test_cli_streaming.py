"""`promptsaas chat` on a terminal writes the reply as the model streams it; piped, or with `--json`, it prints the
reply whole as before; either way a reply cut short is followed by a line saying why. The terminal is a real
pseudo-terminal; the model is the LLM stub pacing its words."""

from __future__ import annotations

import asyncio
import io
import os
import pty
import subprocess
import time
from pathlib import Path

from promptsaas.entrypoints.cli.chat import write_streamed
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform
from tests.e2e.cli.conftest import SCRIPT, child_env, promptsaas
from tests.support.llm_stub import LlmStub, Reply

WORDS = "one two three four five six"
CATALOG = {
    "agents": [{"slug": "gpt", "name": "Gpt", "prompt": {"system": "You help.", "model": "openai:gpt-4o-mini"}}],
    "plans": [{"code": "free", "default": True, "agents": "all", "limits": []}],
}
CHAT = ("chat", "--tenant", "acme", "--as", "ann@example.com", "gpt", "hi")


async def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    settings = Settings(
        database_url=url,
        secret_key_file=str(tmp_path / "secret_key"),
        encryption_key_file=str(tmp_path / "encryption_key"),
    )
    async with AsyncPlatform.open(settings=settings) as platform:
        acme = await platform.create_tenant("acme")
        await acme.apply_catalog(CATALOG)
        await acme.create_user("ann@example.com")
    return url


def _read_terminal(master: int) -> list[tuple[float, bytes]]:
    """Every read of the terminal's output with when it came, until the child closes it."""
    reads = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child exited and the terminal closed
            return reads
        if not data:
            return reads
        reads.append((time.monotonic(), data))


async def _chat_env(tmp_path: Path, pycache: str, stub: LlmStub) -> dict[str, str]:
    """The environment of a `promptsaas chat` on a new database whose provider is `stub`."""
    url = await _database(tmp_path)
    return child_env(
        pycache, PROMPTSAAS_DATABASE_URL=url, OPENAI_BASE_URL=stub.openai_url, OPENAI_API_KEY="sk-platform-0123456789"
    )


async def _chat_on_a_terminal(env: dict[str, str]) -> list[tuple[float, bytes]]:
    """`promptsaas chat` with a pseudo-terminal as its stdout: what it wrote, read by read, with when."""
    master, slave = pty.openpty()
    child = await asyncio.create_subprocess_exec(
        str(SCRIPT), *CHAT, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, env=env
    )
    os.close(slave)
    reads = await asyncio.to_thread(_read_terminal, master)
    os.close(master)
    assert await child.wait() == 0, await child.stderr.read()  # type: ignore[union-attr]
    return reads


async def test_chat_on_a_terminal_shows_the_first_words_before_the_reply_is_finished(
    tmp_path: Path, pycache: str
) -> None:
    async with LlmStub() as stub:
        env = await _chat_env(tmp_path, pycache, stub)
        stub.script(Reply(WORDS, chunk_delay=0.15))
        reads = await _chat_on_a_terminal(env)

    shown = b"".join(data for _, data in reads).decode().replace("\r\n", "\n")
    assert shown.startswith(WORDS + "\n[tokens 12 in + 5 out"), shown
    first = next(at for at, data in reads if b"one" in data)
    last = next(at for at, data in reads if b"six" in data)
    assert last - first > 0.3, "the first words were on screen while the model was still writing"


async def test_chat_piped_or_with_json_prints_the_reply_whole(tmp_path: Path, pycache: str) -> None:
    async with LlmStub() as stub:
        cli = promptsaas(await _chat_env(tmp_path, pycache, stub))
        stub.script(Reply(WORDS), Reply(WORDS))
        piped = await asyncio.to_thread(cli, *CHAT)
        as_json = await asyncio.to_thread(cli, "--json", *CHAT)

    lines = piped.ok().stdout.splitlines()
    assert lines[0] == WORDS
    assert lines[1].startswith("[tokens 12 in + 5 out")
    assert len(lines) == 2
    assert as_json.json()["text"] == WORDS
    assert [r.body.get("stream") for r in stub.received] == [None, None], "a whole reply is asked whole"


async def test_a_reply_cut_short_is_followed_by_a_line_saying_why_on_a_terminal_or_piped(
    tmp_path: Path, pycache: str
) -> None:
    async with LlmStub() as stub:
        env = await _chat_env(tmp_path, pycache, stub)
        cli = promptsaas(env)
        stub.script(
            Reply("The sea is", finish_reason="length"),
            Reply("The sea is", finish_reason="content_filter"),
            Reply("The sea is calm."),
            Reply("The sea is", finish_reason="length"),
            Reply("The sea is", finish_reason="length"),
        )
        cut, filtered, whole, as_json = [
            await asyncio.to_thread(cli, *args) for args in (CHAT, CHAT, CHAT, ("--json", *CHAT))
        ]
        reads = await _chat_on_a_terminal(env)

    assert cut.ok().stdout.splitlines()[:2] == ["The sea is", "(reply cut short: the answer reached its length limit)"]
    assert filtered.ok().stdout.splitlines()[1] == "(reply cut short: the provider's content filter withheld the rest)"
    assert whole.ok().stdout.splitlines()[1].startswith("[tokens ")
    assert as_json.json()["finish_reason"] == "length"
    on_screen = b"".join(data for _, data in reads).decode().replace("\r\n", "\n").splitlines()
    assert on_screen[:2] == ["The sea is", "(reply cut short: the answer reached its length limit)"]


class Terminal(io.StringIO):
    """A terminal as the chat command sees it: writes are kept one by one."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.writes.append(text)
        return super().write(text)


async def test_the_streamed_reply_is_written_piece_by_piece_then_ends_its_line() -> None:
    async with AsyncPlatform.in_memory(Settings(database_url="memory://")) as platform:
        acme = await platform.create_tenant("acme")
        await acme.apply_catalog(
            {**CATALOG, "agents": [{"slug": "echo", "name": "E", "prompt": {"system": "S", "model": "offline:echo"}}]}
        )
        await acme.create_user("ann@example.com")
        terminal = Terminal()

        reply = await write_streamed(acme.stream("ann@example.com", "echo", "what is 2+2?"), terminal)

    assert terminal.getvalue() == "You said: what is 2+2?\n" == reply.text + "\n"
    assert len(terminal.writes) > 2, terminal.writes
