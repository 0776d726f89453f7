"""The bot and the HTTP server as child processes, run as an operator runs them, against the Bot API stub."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "promptsaas"
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "promptsaas.entrypoints.cli.main"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_env(database_url: str, workdir: Path, api_base: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PROMPTSAAS_", "OPENAI_", "ANTHROPIC_"))}
    return {
        **inherited,
        "PROMPTSAAS_DATABASE_URL": database_url,
        "PROMPTSAAS_SECRET_KEY_FILE": str(workdir / "secret_key"),
        "PROMPTSAAS_ENCRYPTION_KEY_FILE": str(workdir / "encryption_key"),
        "PROMPTSAAS_PASSWORD_MEMORY_KIB": "1024",
        "PROMPTSAAS_PASSWORD_TIME_COST": "1",
        "PROMPTSAAS_TELEGRAM_API_BASE": api_base,
    }


async def cli(env: dict[str, str], workdir: Path, *args: str, stdin: str | None = None) -> str:
    """One command to completion (asynchronously, so the stub in this loop keeps answering); its stdout."""
    process = await asyncio.create_subprocess_exec(
        *COMMAND,
        *args,
        env=env,
        cwd=workdir,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin.encode() if stdin else None), 300)
    assert process.returncode == 0, (args, out.decode(), err.decode())
    return out.decode()


async def start(env: dict[str, str], workdir: Path, *args: str, log: str) -> asyncio.subprocess.Process:
    sink = (workdir / log).open("wb")
    return await asyncio.create_subprocess_exec(*COMMAND, *args, env=env, cwd=workdir, stdout=sink, stderr=sink)


async def stop(process: asyncio.subprocess.Process) -> int:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 60)
        except TimeoutError:
            process.kill()
            await process.wait()
    return int(process.returncode or 0)


async def wait_until_listening(port: int, process: asyncio.subprocess.Process, seconds: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        assert process.returncode is None, "the server exited early"
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise TimeoutError("the server did not listen")
