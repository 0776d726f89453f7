"""The messenger inbox (Telegram and WhatsApp updates by their ids): the same answers from every backend."""

from __future__ import annotations

from datetime import UTC, datetime

from promptsaas.domain.messengers import MessengerUpdate
from tests.integration.persistence.conftest import Backend

AT = datetime(2026, 1, 2, 12, tzinfo=UTC)


async def test_an_update_is_accepted_once_and_another_one_too(backend: Backend) -> None:
    async with backend.uow() as uow:
        first = await uow.updates.accept(MessengerUpdate("t1", "telegram", "1001", "{}", AT))
        again = await uow.updates.accept(MessengerUpdate("t1", "telegram", "1001", "{}", AT))
        other = await uow.updates.accept(MessengerUpdate("t1", "telegram", "1002", "{}", AT))
        await uow.commit()
    async with backend.uow() as uow:
        pending = [u.external_id for u in await uow.updates.pending("t1", "telegram")]

    assert (first, again, other) == (True, False, True)
    assert pending == ["1001", "1002"]
