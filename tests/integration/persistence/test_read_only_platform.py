"""`ReadOnlyPlatform` (the CLI's read path): it reads what the full platform wrote, never writes, and opens only a
current schema, leaving anything else to `AsyncPlatform.open`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from promptsaas.adapters.persistence.dbapi.database import open_read_only
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.migrate import downgrade_database
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform
from promptsaas.entrypoints.library_reads import ReadOnlyPlatform

FAST = Settings(password_memory_kib=1024, password_time_cost=1)


async def test_reads_what_the_platform_wrote_and_writes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    async with AsyncPlatform.open(url, FAST) as platform:
        await platform.create_tenant("acme", name="Acme")
        written = await platform.tenants()
    reader = ReadOnlyPlatform.open(url)
    assert reader is not None
    try:
        assert await reader.tenants() == written
    finally:
        reader.close()
    assert not (tmp_path / "app.db-wal").exists()  # a read leaves nothing beside the file
    assert not (tmp_path / "app.db-shm").exists()

    database = open_read_only(url)
    assert database is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        database.rows("UPDATE tenants SET name = 'Globex'")
    database.close()
    async with AsyncPlatform.open(url, FAST) as platform:
        assert [t.name for t in await platform.tenants()] == ["Acme"]


async def test_opens_only_an_existing_database_at_the_current_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert ReadOnlyPlatform.open(url) is None  # a new file is created and migrated by the full platform
    assert not (tmp_path / "app.db").exists()
    assert ReadOnlyPlatform.open("memory://") is None
    assert ReadOnlyPlatform.open(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}") is None
    async with AsyncPlatform.open(url, FAST) as platform:
        await platform.create_tenant("acme")
    database = Database(url)
    await downgrade_database(database, "0011")
    await database.dispose()
    assert ReadOnlyPlatform.open(url) is None  # an outdated schema: the full platform migrates it
    async with AsyncPlatform.open(url, FAST) as platform:
        assert [t.slug for t in await platform.tenants()] == ["acme"]
    reader = ReadOnlyPlatform.open(url)
    assert reader is not None
    reader.close()
