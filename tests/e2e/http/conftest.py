"""The HTTP shell end to end: a server process on a real socket (SQLite, PostgreSQL), and the app in this process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.e2e.http import tally
from tests.e2e.http.server_process import ENGINES, ServerProcess, fresh_database, start_server
from tests.e2e.http.world import World, world


@pytest.fixture(scope="module", params=ENGINES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """`promptsaas serve` after `db upgrade` and `demo`, on a fresh SQLite file or PostgreSQL database."""
    workdir = tmp_path_factory.mktemp(f"served-{request.param}")
    with fresh_database(request, workdir) as url:
        server = start_server(url, workdir)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
async def app_world(tmp_path: Path) -> AsyncIterator[World]:
    """The app in this process on the in-memory adapters, with tenants A (`acme`) and B (`globex`)."""
    async with world("memory://", tmp_path) as made:
        yield made


@pytest.fixture(params=["memory", "sqlite"])
async def any_world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    """The same world on the in-memory adapters and on a SQLite file, where the SQL adapters matter."""
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'world.db'}"
    async with world(url, tmp_path) as made:
        yield made


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if tally.COUNTS or tally.NOTES:
        terminalreporter.section("HTTP API figures")
        for line in tally.lines():
            terminalreporter.write_line(line)
