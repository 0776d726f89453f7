"""`AsyncPlatform.open`: SQLite is migrated on the way in; an outdated PostgreSQL schema is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from promptsaas.adapters.persistence.sqlalchemy.engine import Database, async_url
from promptsaas.adapters.persistence.sqlalchemy.migrate import (
    current_revision,
    downgrade_database,
    head,
    upgrade_database,
)
from promptsaas.domain.errors import DomainError, InvalidInput
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform, Platform

FAST = Settings(password_memory_kib=1024, password_time_cost=1)


def files_in(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


async def revision_of(url: str) -> str | None:
    database = Database(url)
    try:
        return await current_revision(database)
    finally:
        await database.dispose()


async def test_a_new_sqlite_file_is_migrated_and_keeps_what_is_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    async with AsyncPlatform.open(url, FAST) as platform:
        await platform.create_tenant("acme", name="Acme")
    async with AsyncPlatform.open(url, FAST) as platform:
        assert [t.slug for t in await platform.tenants()] == ["acme"]
    assert await revision_of(url) == head()


async def test_an_outdated_sqlite_file_is_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    database = Database(url)
    await downgrade_database(database, "base")
    await database.dispose()
    async with AsyncPlatform.open(url, FAST) as platform:
        assert await platform.tenants() == []
    assert await revision_of(url) == head()


async def test_an_in_memory_sqlite_database_opens_migrated() -> None:
    async with AsyncPlatform.open("sqlite:///:memory:", FAST) as platform:
        await platform.create_tenant("acme")
        assert [t.slug for t in await platform.tenants()] == ["acme"]


async def test_async_with_open_closes_the_database_when_the_block_ends_even_on_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    wal_while_open = False

    async def fail_inside_the_block() -> None:
        nonlocal wal_while_open
        async with AsyncPlatform.open(url, FAST) as platform:
            await platform.create_tenant("acme")
            wal_while_open = files_in(tmp_path) == ["app.db", "app.db-shm", "app.db-wal"]
            raise LookupError("the caller's own error")

    with pytest.raises(LookupError):
        await fail_inside_the_block()

    assert wal_while_open, "an open connection holds the write-ahead log"
    assert files_in(tmp_path) == ["app.db"], "closing checkpoints and removes the WAL"


async def test_awaiting_open_hands_over_an_open_platform_until_close(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    platform = await AsyncPlatform.open(url, FAST)
    await platform.create_tenant("acme")
    assert "app.db-wal" in files_in(tmp_path)

    await platform.close()

    assert files_in(tmp_path) == ["app.db"]
    async with await AsyncPlatform.open(url, FAST) as again:  # the older spelling still works
        assert [t.slug for t in await again.tenants()] == ["acme"]


def test_an_open_that_is_neither_awaited_nor_entered_opens_nothing(tmp_path: Path) -> None:
    AsyncPlatform.open(f"sqlite:///{tmp_path / 'never.db'}", FAST)

    assert list(tmp_path.iterdir()) == []


async def test_the_synchronous_platform_opens_a_sqlite_file_from_inside_a_running_loop(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    with Platform.open(url, FAST) as platform:
        platform.create_tenant("acme")
    with Platform.open(url, FAST) as platform:
        assert [t.slug for t in platform.tenants()] == ["acme"]

    assert files_in(tmp_path) == ["app.db"], "closing ends the connections"


def test_the_synchronous_platform_opens_the_database_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMPTSAAS_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    with Platform.open() as platform:
        platform.create_tenant("acme")
    with Platform.open() as platform:
        assert [t.slug for t in platform.tenants()] == ["acme"]


@pytest.mark.postgres
async def test_an_outdated_postgres_schema_is_refused_until_upgraded(postgres_url: str) -> None:
    with pytest.raises(DomainError) as refused:
        await AsyncPlatform.open(postgres_url, FAST)
    assert refused.value.code == "database_not_migrated"
    assert "promptsaas db upgrade" in refused.value.message
    database = Database(postgres_url)
    await upgrade_database(database)
    await database.dispose()
    async with AsyncPlatform.open(postgres_url, FAST) as platform:
        assert await platform.tenants() == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sqlite:///promptsaas.db", "sqlite+aiosqlite:///promptsaas.db"),
        ("sqlite:////var/lib/p.db", "sqlite+aiosqlite:////var/lib/p.db"),
        ("sqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
        ("postgresql://ann:s3cret@db.example/promptsaas", "postgresql+psycopg://ann:s3cret@db.example/promptsaas"),
        ("postgres://ann@db:5433/p", "postgresql+psycopg://ann@db:5433/p"),
        ("postgresql+psycopg://ann@db/p", "postgresql+psycopg://ann@db/p"),
        ("sqlite+aiosqlite:///p.db", "sqlite+aiosqlite:///p.db"),
    ],
)
def test_database_urls_are_mapped_to_the_async_drivers(typed: str, expected: str) -> None:
    assert async_url(typed) == make_url(expected)


@pytest.mark.parametrize("typed", ["promptsaas.db", "mysql://db/p", "sqlite:/oops"])
def test_unsupported_database_urls_are_refused_by_name(typed: str) -> None:
    with pytest.raises(InvalidInput, match="database URL"):
        async_url(typed)
