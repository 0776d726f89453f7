"""The Graph API adapter against the loopback stub: what it sends, what it downloads, how each fault surfaces."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from promptsaas.adapters.messengers.whatsapp.graph import GraphSettings, GraphWhatsAppApi, split_text
from promptsaas.adapters.messengers.whatsapp.messenger import WhatsAppMessenger
from promptsaas.application.ports.messenger import Answer, Button
from promptsaas.application.ports.whatsapp import (
    ListRow,
    MediaRejected,
    OutsideWindow,
    WhatsAppRateLimited,
    WhatsAppTokenExpired,
)
from promptsaas.domain.whatsapp import WhatsAppAccount
from tests.support.whatsapp_stub import ACCESS_TOKEN, PHONE_NUMBER_ID, WhatsAppStub

ACCOUNT = WhatsAppAccount(PHONE_NUMBER_ID, ACCESS_TOKEN, "app-secret", "verify-token")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
IMAGES = ("image/png", "image/jpeg")


@pytest.fixture(scope="module")
def running_stub() -> Iterator[WhatsAppStub]:
    with WhatsAppStub() as running:
        yield running


@pytest.fixture
def stub(running_stub: WhatsAppStub) -> WhatsAppStub:
    running_stub.reset()
    return running_stub


def api(stub: WhatsAppStub, retries: int = 2) -> GraphWhatsAppApi:
    return GraphWhatsAppApi(GraphSettings(api_base=stub.url, max_retries=retries, backoff_seconds=0.01))


async def test_a_long_reply_arrives_as_messages_of_at_most_4096_characters(stub: WhatsAppStub) -> None:
    text = ("word " * 2000).strip()
    ids = await api(stub).send_text(ACCOUNT, "15551234567", text)
    assert len(ids) == 3
    assert [len(t) <= 4096 for t in stub.texts()] == [True, True, True]
    assert " ".join(stub.texts()) == text
    assert {s.to for s in stub.sent} == {"15551234567"}
    assert {s.token for s in stub.sent} == {ACCESS_TOKEN}


def test_text_without_spaces_is_cut_at_the_limit() -> None:
    assert [len(p) for p in split_text("x" * 9000)] == [4096, 4096, 808]
    assert split_text("short") == ["short"]


async def test_a_business_scoped_user_id_is_sent_as_the_recipient(stub: WhatsAppStub) -> None:
    await api(stub).send_text(ACCOUNT, "US.13491208655302741918", "hi")
    assert stub.sent[0].payload["recipient"] == "US.13491208655302741918"
    assert "to" not in stub.sent[0].payload


async def test_an_interactive_list_carries_the_rows(stub: WhatsAppStub) -> None:
    rows = [ListRow("agent:tutor", "Tutor", "Explains things"), ListRow("agent:poet", "A very long agent name here")]
    await api(stub).send_list(ACCOUNT, "15551234567", "Choose an agent", "Agents", rows)
    sent = stub.sent[0]
    assert sent.type == "interactive"
    assert sent.payload["interactive"]["type"] == "list"
    assert [r["id"] for r in sent.rows] == ["agent:tutor", "agent:poet"]
    assert all(len(r["title"]) <= 24 for r in sent.rows)


async def test_media_is_described_then_downloaded_with_the_token(stub: WhatsAppStub) -> None:
    stub.add_media("m1", PNG, "image/png")
    media = await api(stub).fetch_media(ACCOUNT, "m1", allowed_types=IMAGES, max_bytes=1024)
    assert (media.mime_type, media.data) == ("image/png", PNG)


async def test_media_of_another_type_or_too_large_is_rejected(stub: WhatsAppStub) -> None:
    stub.add_media("doc", b"%PDF-1.4", "application/pdf")
    stub.add_media("big", PNG * 100, "image/png")
    with pytest.raises(MediaRejected, match="application/pdf"):
        await api(stub).fetch_media(ACCOUNT, "doc", allowed_types=IMAGES, max_bytes=1024)
    with pytest.raises(MediaRejected, match="bytes"):
        await api(stub).fetch_media(ACCOUNT, "big", allowed_types=IMAGES, max_bytes=1024)


async def test_outside_the_window_fails_at_once_with_its_own_error(stub: WhatsAppStub) -> None:
    stub.fail_next(131047)
    with pytest.raises(OutsideWindow) as raised:
        await api(stub).send_text(ACCOUNT, "15551234567", "hello")
    assert raised.value.code == "whatsapp_outside_window"
    assert stub.attempts == 1


async def test_a_rate_limit_is_tried_again_with_backoff(stub: WhatsAppStub) -> None:
    stub.fail_next(130429, status=400, times=2)
    assert len(await api(stub).send_text(ACCOUNT, "15551234567", "hello")) == 1
    assert stub.attempts == 3


async def test_a_rate_limit_that_lasts_surfaces_after_the_retries(stub: WhatsAppStub) -> None:
    stub.fail_next(80007, times=5)
    with pytest.raises(WhatsAppRateLimited):
        await api(stub, retries=1).send_text(ACCOUNT, "15551234567", "hello")
    assert stub.attempts == 2


async def test_an_expired_token_is_not_tried_again_and_is_not_named(stub: WhatsAppStub) -> None:
    expired = WhatsAppAccount(PHONE_NUMBER_ID, "EAAG-expired-token-secret", "s", "v")
    with pytest.raises(WhatsAppTokenExpired) as raised:
        await api(stub).send_text(expired, "15551234567", "hello")
    assert "EAAG-expired-token-secret" not in str(raised.value)
    assert stub.attempts == 0


async def test_an_answer_with_buttons_ends_in_a_list_and_links_stay_in_the_text(stub: WhatsAppStub) -> None:
    answer = Answer(
        "Agents:\nMath tutor",
        ((Button("Math tutor", "agent:tutor"),), (Button("Pricing", url="https://example.test/pricing"),)),
    )
    ids = await api(stub).send_answer(ACCOUNT, "15551234567", answer)
    [sent] = stub.sent
    assert ids == [sent.id]
    assert sent.type == "interactive"
    assert [row["id"] for row in sent.rows] == ["agent:tutor"]
    assert "Pricing: https://example.test/pricing" in sent.text


async def test_the_messenger_port_sends_answers_and_fetches_pictures(stub: WhatsAppStub) -> None:
    messenger = WhatsAppMessenger(api(stub), ACCOUNT)
    await messenger.send("15551234567", Answer("Hello"))
    stub.add_media("m2", PNG, "image/png")
    attachment = await messenger.fetch_attachment("m2")
    assert stub.texts() == ["Hello"]
    assert messenger.sent == [stub.sent[0].id]
    assert (attachment.mime_type, attachment.data) == ("image/png", PNG)
