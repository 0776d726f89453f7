"""WhatsApp in a served shop: a picture reaches the model, a reply cut short says so, `link CODE` joins the web
account (one quota), and the number an admin sets over HTTP is stored sealed, never shown back, and used for the
webhook and the replies."""

from __future__ import annotations

from tests.e2e.whatsapp.shop import ADMIN, ADMIN_PASSWORD, APP_SECRET, VERIFY_TOKEN, Shop, until
from tests.support import whatsapp_stub as wa

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 256
NUMBER = {
    "phone_number_id": "109999000111222",
    "access_token": "EAAG-tenant-own-token-9f8e7d6c5b",
    "app_secret": "tenant-own-app-secret-a1b2c3d4",
    "verify_token": "tenant-own-verify-token-e5f6",
}


async def test_a_picture_with_a_caption_reaches_the_model_as_an_image(shop: Shop) -> None:
    ada = "15550000401"
    shop.graph.add_media("media-dots", PNG, "image/png")
    assert (await shop.post(wa.image(ada, "wamid.img-1", "media-dots", "image/png", "count the dots"))).is_success
    assert await until(lambda: shop.graph.texts(ada)) == ["count the dots [1 image]"]
    assert shop.graph.media_fetches == ["media-dots"]


async def test_a_reply_cut_at_its_length_limit_ends_with_a_line_saying_so(shop: Shop) -> None:
    bea = "15550000402"
    cut = await shop.say(bea, "wamid.cut-1", "cut: the sea is")
    whole = await shop.say(bea, "wamid.whole-1", "the sea is")
    assert cut == "the sea is\n\n(reply cut short: the answer reached its length limit)"
    assert whole == "the sea is"


async def test_link_with_a_code_from_the_website_joins_the_chat_to_that_account_and_its_quota(shop: Shop) -> None:
    ada, web = "15550000402", await shop.login()
    code = (await shop.client.post("/v1/me/link-codes", headers=web)).json()["code"]
    assert "Linked!" in await shop.say(ada, "wamid.link-1", f"link {code}")
    run = await shop.client.post("/v1/agents/helper/runs", json={"input": "from the web"}, headers=web)
    assert run.status_code == 200, run.text
    assert await shop.say(ada, "wamid.link-2", "from whatsapp") == "from whatsapp"
    assert "2 of 2 used" in await shop.say(ada, "wamid.link-3", "usage")
    denied = await shop.client.post("/v1/agents/helper/runs", json={"input": "one more"}, headers=web)
    assert (denied.status_code, denied.json()["code"]) == (402, "quota_exceeded")
    again = await shop.say(ada, "wamid.link-4", f"link {code}")
    assert "could not link" in again


async def test_the_number_an_admin_sets_is_sealed_never_shown_and_answers_the_webhook(
    shop: Shop,
) -> None:
    admin = await shop.login(ADMIN, ADMIN_PASSWORD)
    stored = await shop.client.put("/v1/admin/channels/whatsapp", json=NUMBER, headers=admin)
    assert stored.status_code == 200, stored.text
    shown = await shop.client.get("/v1/admin/channels/whatsapp", headers=admin)
    assert (shown.json()["phone_number_id"], shown.json()["source"]) == (NUMBER["phone_number_id"], "tenant")
    audit = await shop.tenant.audit_log(100)
    secrets = [NUMBER["access_token"], NUMBER["app_secret"], NUMBER["verify_token"]]
    for secret in secrets:
        assert secret not in stored.text + shown.text + repr(audit)
    sealed = shop.stored("channel_secrets")
    assert NUMBER["phone_number_id"] not in sealed
    assert not any(secret in sealed for secret in secrets)

    challenge = {"hub.mode": "subscribe", "hub.challenge": "4242"}
    right = await shop.client.get(shop.webhook, params={**challenge, "hub.verify_token": NUMBER["verify_token"]})
    assert (right.status_code, right.text) == (200, "4242")
    old = await shop.client.get(shop.webhook, params={**challenge, "hub.verify_token": VERIFY_TOKEN})
    assert old.status_code == 403
    ada = "15550000403"
    assert (await shop.post(wa.text(ada, "wamid.own-1", "hello"), secret=APP_SECRET)).status_code == 401
    shop.graph.token = NUMBER["access_token"]
    assert (await shop.post(wa.text(ada, "wamid.own-2", "hello"), secret=NUMBER["app_secret"])).status_code == 200
    [reply] = await until(lambda: [s for s in shop.graph.sent if s.to == ada])
    assert (reply.text, reply.phone_number_id, reply.token) == (
        "hello",
        NUMBER["phone_number_id"],
        NUMBER["access_token"],
    )
