"""PostgreSQL for the tests: the server named by PROMPTSAAS_TEST_POSTGRES_URL, or a throwaway cluster started from
the installed server binaries (and stopped when the session ends). Without either, PostgreSQL tests skip, naming
what is missing; under CI=true they fail instead, so CI never passes without having run them.

Each test gets a database of its own (`postgres_url`); `postgres_server.create_database()` makes more. A test that
takes the server down gets a cluster of its own (`stoppable_postgres`); `closing_new_connections` has the server
close each new connection of an engine, as it does while it restarts.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

ENV_URL = "PROMPTSAAS_TEST_POSTGRES_URL"
BINARIES = "/usr/lib/postgresql/*/bin/initdb"


class PostgresServer:
    """A server the tests may create and drop databases on."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url).set(drivername="postgresql")

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url.render_as_string(hide_password=False), autocommit=True)

    def create_database(self) -> str:
        """A new, empty database; returns its URL (`postgresql://...`, as a user would type it)."""
        name = f"promptsaas_test_{uuid.uuid4().hex[:12]}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ThrowawayCluster:
    """`initdb` + `pg_ctl start` in a temporary directory, as the `postgres` user when running as root."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="promptsaas-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.running = False
        self._as_postgres = os.geteuid() == 0

    def start(self) -> str:
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.resume()
        return self.url

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def pause(self) -> None:
        """Stop the server and keep its data, as an outage does: its sessions end and connecting is refused."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.running = False

    def resume(self) -> None:
        """Start the server on its data and port (again, after `pause`)."""
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} -c fsync=off"
        options += " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")
        self.running = True

    def stop(self) -> None:
        try:
            if self.running:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.root / "server.log"
            detail = log.read_text() if log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}{detail}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _installed_bindir() -> Path | None:
    found = sorted(glob.glob(BINARIES), key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _bindir_or_skip(reason: str) -> Path:
    """The installed server binaries; without them the test skips, or fails under CI=true."""
    bindir = _installed_bindir()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; under CI=true PostgreSQL tests must run")
        pytest.skip(reason)
    return bindir


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    url = os.environ.get(ENV_URL)
    if url:
        yield PostgresServer(url)
        return
    bindir = _bindir_or_skip(f"no PostgreSQL: set {ENV_URL} or install the PostgreSQL server binaries ({BINARIES})")
    cluster = ThrowawayCluster(bindir)
    try:
        yield PostgresServer(cluster.start())
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh database for this test, dropped afterwards."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def stoppable_postgres() -> Iterator[ThrowawayCluster]:
    """A cluster of this test's own, which it may stop and start again (`pause`, `resume`): always a throwaway one,
    never the server of PROMPTSAAS_TEST_POSTGRES_URL, which other tests share."""
    cluster = ThrowawayCluster(_bindir_or_skip(f"no PostgreSQL server binaries ({BINARIES}) to stop and start"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@contextmanager
def closing_new_connections(engine: AsyncEngine, url: str) -> Iterator[None]:
    """What a server still restarting does to a client: each connection `engine` opens meanwhile is closed by the
    server (its session terminated through `url`) once open, before the client sends anything on it."""

    def close(dbapi_connection: Any, _: Any) -> None:
        pid = dbapi_connection.driver_connection.info.backend_pid
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))

    event.listen(engine.sync_engine, "connect", close)
    try:
        yield
    finally:
        event.remove(engine.sync_engine, "connect", close)
