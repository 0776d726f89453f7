"""Meta's webhook over a real socket: verification, signatures, a conversation, duplicates, statuses, failures."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.e2e.whatsapp.conftest import APP_SECRET, VERIFY_TOKEN, Meta, wait_until
from tests.support import whatsapp_stub as wa

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 256


def test_the_subscription_challenge_is_echoed_byte_for_byte_for_the_right_token(meta: Meta) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444 é&x"}
    right = httpx.get(meta.webhook, params=params)
    assert right.status_code == 200
    assert right.content == "1158201444 é&x".encode()
    wrong = httpx.get(meta.webhook, params={**params, "hub.verify_token": VERIFY_TOKEN + "x"})
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "verification_failed"
    assert "1158201444" not in wrong.text
    assert httpx.get(meta.webhook, params={**params, "hub.mode": "unsubscribe"}).status_code == 403


def test_a_missing_or_wrong_signature_is_refused_and_nothing_is_stored(meta: Meta) -> None:
    payload = wa.text("15550000001", "wamid.sig-1", "hello")
    unsigned = httpx.post(meta.webhook, json=payload)
    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "invalid_signature")
    assert meta.post(payload, tamper=True).status_code == 401
    assert meta.post(payload, secret=APP_SECRET + "!").status_code == 401
    assert all(entry["id"] != "wamid.sig-1" for entry in meta.inbox())
    assert meta.post(payload).status_code == 200
    wait_until(lambda: meta.stub.texts("15550000001"))
    assert [e["id"] for e in meta.inbox()].count("wamid.sig-1") == 1


def test_a_conversation_with_commands_a_chosen_agent_and_an_image(meta: Meta) -> None:
    ada, bsuid = "15550000002", "US.1000000002"
    said = 0

    def say(payload: dict[str, object]) -> str:
        nonlocal said
        assert meta.post(payload).status_code == 200
        said += 1
        return wait_until(lambda: len(meta.stub.texts(ada)) >= said and meta.stub.texts(ada)[-1])

    assert "agents" in say(wa.text(ada, "wamid.c1", "help", user_id=bsuid))
    say(wa.text(ada, "wamid.c2", "agents", user_id=bsuid))
    offer = meta.stub.sent[-1]
    assert offer.type == "interactive"
    assert "agent:tutor" in [row["id"] for row in offer.rows]
    assert "Math tutor" in say(wa.list_reply(ada, "wamid.c3", "agent:tutor", user_id=bsuid))
    assert say(wa.text(ada, "wamid.c4", "what is 2 + 2?", user_id=bsuid)) == "You said: what is 2 + 2?"
    meta.stub.add_media("media-1", PNG, "image/png")
    assert "count the dots" in say(wa.image(ada, "wamid.c5", "media-1", "image/png", "count the dots", user_id=bsuid))
    assert meta.stub.media_fetches == ["media-1"]
    meta.stub.add_media("media-2", b"%PDF-1.7", "application/pdf")
    assert "could not use that picture" in say(wa.image(ada, "wamid.c6", "media-2", "application/pdf", user_id=bsuid))
    assert "2 of 5 used" in say(wa.text(ada, "wamid.c7", "usage", user_id=bsuid))
    plans = say(wa.text(ada, "wamid.c8", "plans", user_id=bsuid))
    assert "Pro (pro): 9.00 USD a month" in plans
    assert meta.stub.sent[-1].type == "text"
    assert "new conversation" in say(wa.text(ada, "wamid.c9", "new", user_id=bsuid)).lower()


def test_a_person_known_only_by_business_scoped_id_is_answered_at_that_id(meta: Meta) -> None:
    payload = wa.text("", "wamid.b1", "hello", user_id="US.1000000003")
    payload["entry"][0]["changes"][0]["value"]["contacts"][0].pop("wa_id")
    assert meta.post(payload).status_code == 200
    [sent] = wait_until(lambda: [s for s in meta.stub.sent if s.to == "US.1000000003"])
    assert sent.payload["recipient"] == "US.1000000003"


def test_a_message_delivered_five_times_at_once_runs_the_agent_once_and_charges_one_unit(meta: Meta) -> None:
    ada = "15550000004"
    meta.choose(ada)
    meta.stub.reset()
    payload = wa.text(ada, "wamid.dup-1", "only once please")
    with ThreadPoolExecutor(5) as pool:
        statuses = [r.status_code for r in pool.map(lambda _: meta.post(payload), range(5))]
    assert statuses == [200] * 5
    wait_until(lambda: meta.stub.texts(ada))
    assert meta.post(wa.text(ada, "wamid.dup-2", "usage")).status_code == 200
    replies = wait_until(lambda: len(meta.stub.texts(ada)) >= 2 and meta.stub.texts(ada))
    assert replies[0] == "You said: only once please"
    assert "1 of 5 used" in replies[1]
    assert len(replies) == 2


def test_delivery_statuses_are_recorded_on_the_reply_and_never_move_back(meta: Meta) -> None:
    ada = "15550000005"
    assert meta.post(wa.text(ada, "wamid.st-1", "hello")).status_code == 200
    [reply] = wait_until(lambda: [s for s in meta.stub.sent if s.to == ada])
    for state in ("delivered", "read", "sent"):
        assert meta.post(wa.status(reply.id, state, ada)).status_code == 200
    [entry] = [e for e in meta.inbox() if e["id"] == "wamid.st-1"]
    assert entry["state"] == "answered"
    assert [(r["id"], r["status"]) for r in entry["replies"]] == [(reply.id, "read")]
    assert meta.post(wa.status(reply.id, "failed", ada, error_code=131047)).status_code == 200
    [entry] = [e for e in meta.inbox() if e["id"] == "wamid.st-1"]
    assert (entry["replies"][0]["status"], entry["replies"][0]["error_code"]) == ("failed", "131047")


def test_a_reply_outside_the_24_hour_window_is_recorded_as_failed_and_not_retried(meta: Meta) -> None:
    meta.stub.fail_next(131047)
    assert meta.post(wa.text("15550000006", "wamid.win-1", "are you there?")).status_code == 200
    entry = wait_until(lambda: [e for e in meta.inbox() if e["id"] == "wamid.win-1" and e["state"] == "failed"])[0]
    assert entry["error_code"] == "whatsapp_outside_window"
    assert "131047" in entry["error"]
    assert meta.stub.attempts == 1
    assert meta.stub.texts("15550000006") == []


def test_no_secret_reaches_the_server_output(meta: Meta) -> None:
    assert meta.post(wa.text("15550000007", "wamid.sec-1", "hi")).status_code == 200
    wait_until(lambda: meta.stub.texts("15550000007"))
    output = meta.server.output()
    for secret in (APP_SECRET, VERIFY_TOKEN, wa.ACCESS_TOKEN):
        assert secret not in output
