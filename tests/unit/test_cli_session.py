"""A read on the read-only platform finishes without an event loop; one that would wait is refused, not lost."""

from __future__ import annotations

import asyncio

import pytest

from promptsaas.entrypoints.cli.session import finished


def test_a_read_that_never_waits_finishes_without_an_event_loop() -> None:
    async def read() -> list[str]:
        return ["acme"]

    assert finished(read()) == ["acme"]


def test_an_error_of_the_read_reaches_the_caller() -> None:
    async def read() -> None:
        raise LookupError("gone")

    with pytest.raises(LookupError, match="gone"):
        finished(read())


def test_a_read_that_waits_is_refused() -> None:
    with pytest.raises(RuntimeError, match="must run on an event loop"):
        finished(asyncio.sleep(0))
