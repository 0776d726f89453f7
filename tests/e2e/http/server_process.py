"""`promptsaas serve` in a child process on a real socket, as an operator starts it (after `db upgrade` and `demo`)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.postgres import PostgresServer

SCRIPT = Path(sys.executable).parent / "promptsaas"
SIGNING_SECRET = "s3cr3t-signing-key-for-the-e2e-suite-only"
SECRET_KEY = f"e2e:{SIGNING_SECRET}"
STARTUP_SECONDS = 180


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, workdir: Path) -> dict[str, str]:
    """The environment of every child: no stray PROMPTSAAS_ or provider settings, cheap argon2, a fixed key."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PROMPTSAAS_", "OPENAI_", "ANTHROPIC_"))}
    return {
        **inherited,
        "PROMPTSAAS_DATABASE_URL": database_url,
        "PROMPTSAAS_SECRET_KEY": SECRET_KEY,
        "PROMPTSAAS_SECRET_KEY_FILE": str(workdir / "secret_key"),
        "PROMPTSAAS_ENCRYPTION_KEY_FILE": str(workdir / "encryption_key"),
        "PROMPTSAAS_PASSWORD_MEMORY_KIB": "1024",
        "PROMPTSAAS_PASSWORD_TIME_COST": "1",
    }


def promptsaas(env: dict[str, str], workdir: Path, *args: str) -> str:
    """Run one CLI command to completion; its stdout."""
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "promptsaas.entrypoints.cli.main"]
    done = subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, cwd=workdir, timeout=120, check=False
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


@dataclass
class Demo:
    """What `promptsaas demo --json` printed: the tenant, the users and their passwords, a member's API key."""

    tenant: str
    admin: dict[str, str]
    member: dict[str, str]
    api_key: str

    @classmethod
    def from_output(cls, output: str) -> Demo:
        data: dict[str, Any] = json.loads(output)
        users = {u["role"]: u for u in data["users"]}
        return cls(data["tenant"], users["admin"], users["member"], data["api_key"])


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]
    stderr_path: Path
    demo: Demo
    secrets: set[str] = field(default_factory=set)
    """Every password, token and key the tests handled; none may appear in the server's output."""

    def client(self, **headers: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def output(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    database_url: str,
    workdir: Path,
    extra_env: dict[str, str] | None = None,
    serve_args: tuple[str, ...] = (),
    port: int | None = None,
) -> ServerProcess:
    """Migrate, load the demo, then serve on a free port; returns once `/readyz` answers."""
    env = server_env(database_url, workdir)
    promptsaas(env, workdir, "--database-url", database_url, "db", "upgrade")
    demo = Demo.from_output(promptsaas(env, workdir, "--json", "--database-url", database_url, "demo"))
    return launch_server(database_url, workdir, demo, extra_env=extra_env, serve_args=serve_args, port=port)


def launch_server(
    database_url: str,
    workdir: Path,
    demo: Demo,
    log_name: str = "server.log",
    *,
    extra_env: dict[str, str] | None = None,
    serve_args: tuple[str, ...] = (),
    port: int | None = None,
) -> ServerProcess:
    """Serve an already migrated database on a free port (another server process may share it); `extra_env` and
    `serve_args` add variables and `serve` options."""
    env = {**server_env(database_url, workdir), **(extra_env or {})}
    port = port or _free_port()
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "promptsaas.entrypoints.cli.main"]
    log = workdir / log_name
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                *command,
                "--database-url",
                database_url,
                "serve",
                *("--host", "127.0.0.1", "--port", str(port)),
                *serve_args,
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=workdir,
        )
    server = ServerProcess(f"http://127.0.0.1:{port}", process, log, demo)
    server.secrets.update({demo.admin["password"], demo.member["password"], demo.api_key, SIGNING_SECRET})
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{server.output()}")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"the server did not become ready in {STARTUP_SECONDS}s:\n{server.output()}")


ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def fresh_database(request: pytest.FixtureRequest, workdir: Path) -> Iterator[str]:
    """The URL of a new database for the fixture's engine param: a SQLite file in `workdir`, or a PostgreSQL
    database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{workdir / 'promptsaas.db'}"
        return
    postgres: PostgresServer = request.getfixturevalue("postgres_server")
    url = postgres.create_database()
    try:
        yield url
    finally:
        postgres.drop_database(url)
