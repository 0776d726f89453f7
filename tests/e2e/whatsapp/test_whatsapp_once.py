"""Nothing twice for one message: an answer lost after the charge is replayed, not run again; a long answer cut
short by a failed send goes on with the parts not yet delivered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from promptsaas.application.ports.whatsapp import TEXT_LIMIT
from tests.e2e.whatsapp.shop import Shop
from tests.support import whatsapp_stub as wa


async def retry_due(shop: Shop) -> None:
    """Let the retry's time come and take up what is due, as the sweep does."""
    shop.clock.at += timedelta(minutes=5)
    await shop.platform.container.whatsapp().process_due()


async def test_an_answer_lost_after_the_charge_is_sent_on_retry_without_charging_again(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = shop.platform.container.whatsapp()._store
    keep, lost = store.save_answer, [ConnectionError("the process died before keeping the answer")]

    async def save_answer(*args: Any) -> None:
        if lost:
            raise lost.pop()
        await keep(*args)

    monkeypatch.setattr(store, "save_answer", save_answer)
    ada = "15550000201"
    assert (await shop.post(wa.text(ada, "wamid.once-1", "charge me once"))).status_code == 200
    assert (await shop.retried("wamid.once-1")).error_code == "internal_error"
    assert shop.graph.texts(ada) == []
    await retry_due(shop)
    assert shop.graph.texts(ada) == ["charge me once"]
    assert shop.parrot.calls == 1
    assert await shop.requests_charged(await shop.user_id(ada)) == 1
    assert "1 of 2 used" in await shop.say(ada, "wamid.once-2", "usage")


async def test_a_long_answer_cut_short_by_a_failed_send_goes_on_with_the_parts_not_yet_sent(shop: Shop) -> None:
    ada = "15550000202"
    shop.graph.fail_next(2, status=503, times=4, after=1)
    assert (await shop.post(wa.text(ada, "wamid.long-1", "essay 600"))).status_code == 200
    assert (await shop.retried("wamid.long-1")).error_code == "whatsapp_unavailable"
    responder = shop.platform.container.whatsapp()
    [first] = shop.graph.texts(ada)
    assert first.startswith("word00000")
    assert len(first) <= TEXT_LIMIT
    await retry_due(shop)
    parts = shop.graph.texts(ada)
    assert len(parts) == 2
    assert parts[0] == first
    assert " ".join(parts).split() == [f"word{i:05d}" for i in range(600)]
    entries, outbound = await responder.inbox(await shop.tenant.id())
    [answered] = [e for e in entries if e.message.message_id == "wamid.long-1"]
    assert answered.state.value == "answered"
    assert sorted(r.id for r in outbound if r.inbound_id == "wamid.long-1") == sorted(s.id for s in shop.graph.sent)
    assert shop.parrot.calls == 1
