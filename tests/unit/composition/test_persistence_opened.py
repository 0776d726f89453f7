"""A serving process whose database cannot be reached at start serves meanwhile and gets the schema ready once the
database answers; a fault found then (an outdated schema) goes to its handler; the block never waits for either."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from promptsaas.domain.errors import DatabaseNotMigrated, DatabaseUnavailable, SetupFailed
from promptsaas.entrypoints.composition import persistence


class Outage:
    """`open_persistence` failing with each of `faults` in turn, then opening."""

    def __init__(self, *faults: Exception) -> None:
        self.faults = list(faults)
        self.tries = 0
        self.opened = asyncio.Event()

    async def __call__(self, _: Any) -> None:
        self.tries += 1
        if self.faults:
            raise self.faults.pop(0)
        self.opened.set()


async def test_the_block_runs_at_once_and_the_schema_is_checked_once_the_database_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outage = Outage(*[DatabaseUnavailable("cannot use the database")] * 3)
    monkeypatch.setattr(persistence, "open_persistence", outage)
    faults: list[SetupFailed] = []
    async with persistence.persistence_opened(object(), faults.append, first_pause=0.01, longest_pause=0.02):
        assert outage.tries == 1  # tried once before the block, which runs while the database is down
        await asyncio.wait_for(outage.opened.wait(), timeout=5)
    assert (outage.tries, faults) == (4, [])


async def test_an_outdated_schema_found_once_the_database_answers_goes_to_the_fault_handler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outdated = DatabaseNotMigrated("the database schema is at revision 0015, this version needs 0017")
    monkeypatch.setattr(persistence, "open_persistence", Outage(DatabaseUnavailable("down"), outdated))
    faults: list[SetupFailed] = []
    told = asyncio.Event()

    def on_fault(error: SetupFailed) -> None:
        faults.append(error)
        told.set()

    async with persistence.persistence_opened(object(), on_fault, first_pause=0.01):
        await asyncio.wait_for(told.wait(), timeout=5)
    assert faults == [outdated]


async def test_leaving_the_block_stops_the_tries(monkeypatch: pytest.MonkeyPatch) -> None:
    outage = Outage(*[DatabaseUnavailable("down")] * 1000)
    monkeypatch.setattr(persistence, "open_persistence", outage)
    async with persistence.persistence_opened(object(), lambda e: None, first_pause=0.01, longest_pause=0.01):
        await asyncio.sleep(0.05)
    tried = outage.tries
    await asyncio.sleep(0.05)
    assert outage.tries == tried


async def test_a_database_that_answers_opens_before_the_block_and_a_fault_fails_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outage = Outage()
    monkeypatch.setattr(persistence, "open_persistence", outage)
    async with persistence.persistence_opened(object(), lambda e: None):
        assert outage.opened.is_set()
    monkeypatch.setattr(persistence, "open_persistence", Outage(DatabaseNotMigrated("outdated")))
    with pytest.raises(DatabaseNotMigrated):
        async with persistence.persistence_opened(object(), lambda e: None):
            pytest.fail("the block must not run on an outdated schema")
