"""Migrations: every revision upgrades and downgrades on both engines, and the result is what the tables declare."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.migrate import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    database_is_current,
    downgrade_database,
    head,
    upgrade_database,
)
from promptsaas.adapters.persistence.sqlalchemy.tables import metadata

ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=ENGINES)
async def empty(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty database on each engine."""
    url = f"sqlite:///{tmp_path / 'empty.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    database = Database(url)
    yield database
    await database.dispose()


def revisions_oldest_first() -> list[tuple[str, str]]:
    """(revision, the revision before it or "base") for every revision, in upgrade order."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return [(s.revision, str(s.down_revision or "base")) for s in reversed(list(scripts.walk_revisions()))]


def test_the_head_known_without_alembic_is_the_newest_migration() -> None:
    """Opening a current database compares its revision with HEAD_REVISION; a new migration must move it."""
    assert head() == HEAD_REVISION


async def test_every_revision_upgrades_and_downgrades_step_by_step(empty: Database) -> None:
    steps = revisions_oldest_first()
    assert steps, "there are no migrations"
    for revision, previous in steps:
        await upgrade_database(empty, revision)
        assert await current_revision(empty) == revision
        await downgrade_database(empty, previous)
        assert await current_revision(empty) == (None if previous == "base" else previous)
        await upgrade_database(empty, revision)
    for _, previous in reversed(steps):
        await downgrade_database(empty, previous)
    assert await current_revision(empty) is None
    assert await _tables(empty) <= {"alembic_version"}


async def test_the_migrated_schema_is_what_the_tables_declare(empty: Database) -> None:
    await upgrade_database(empty)
    assert await database_is_current(empty)
    async with empty.connect() as conn:
        differences = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), metadata))
    assert differences == []


async def test_upgrading_a_current_database_changes_nothing(empty: Database) -> None:
    await upgrade_database(empty)
    await upgrade_database(empty)
    assert await current_revision(empty) == head()


async def _tables(database: Database) -> set[str]:
    async with database.connect() as conn:
        return set(await conn.run_sync(lambda sync: sync.dialect.get_table_names(sync)))
