"""A server killed after storing a message and before its reply reached WhatsApp replies once after a restart."""

from __future__ import annotations

from tests.e2e.whatsapp.conftest import Meta, wait_until
from tests.support import whatsapp_stub as wa


def test_a_message_stored_before_a_crash_is_answered_exactly_once_after_restart(fresh: Meta) -> None:
    ada = "15550000100"
    fresh.choose(ada)
    fresh.stub.held.set()
    assert fresh.post(wa.text(ada, "wamid.crash-1", "survive this")).status_code == 200
    wait_until(lambda: fresh.stub.waiting >= 1)
    fresh.server.process.kill()
    fresh.server.process.wait()
    fresh.stub.held.clear()
    assert len(fresh.stub.texts(ada)) == 1
    fresh.restart("restarted.log")
    assert wait_until(lambda: fresh.stub.texts(ada)[1:]) == ["You said: survive this"]
    assert fresh.post(wa.text(ada, "wamid.crash-2", "usage")).status_code == 200
    replies = wait_until(lambda: len(fresh.stub.texts(ada)) >= 3 and fresh.stub.texts(ada)[1:])
    assert replies[0] == "You said: survive this"
    assert "1 of 5 used" in replies[1]
    assert len(replies) == 2
