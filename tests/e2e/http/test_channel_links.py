"""Linking a chat over HTTP: link codes, redeeming the bot's code, and the admin's Telegram token."""

from __future__ import annotations

from promptsaas.domain.channels import Channel
from promptsaas.domain.users import IdentityProvider
from tests.e2e.http.world import World

TOKEN = "123456:ABC-secret-bot-token"


async def test_a_web_link_code_joins_a_chat_and_cannot_be_used_twice(any_world: World) -> None:
    world, a = any_world, any_world.a
    channels = world.platform.container.channels()

    made = await world.client.post("/v1/me/link-codes", headers=a.member.bearer)
    code = made.json()["code"]
    tom = await channels.enter(a.id, Channel.TELEGRAM, "900", "Tom")
    linked = await channels.start(tom, code)
    again = await channels.start(await channels.enter(a.id, Channel.TELEGRAM, "901", "Ann"), code)

    assert made.status_code == 201
    assert made.json()["telegram_url"] is None  # no bot has reported its username yet
    assert linked.text.startswith("Linked!")
    assert (await channels.enter(a.id, Channel.TELEGRAM, "900")).user_id == a.member.user_id
    assert again.text.startswith("Sorry, I could not link your account")


async def test_the_bots_code_is_redeemed_on_the_web_and_refused_from_another_tenant(any_world: World) -> None:
    world, a, b = any_world, any_world.a, any_world.b
    container = world.platform.container
    tom = await container.channels().enter(a.id, Channel.TELEGRAM, "902", "Tom")
    code = (await container.links().issue(a.id, tom.user_id, (IdentityProvider.TELEGRAM, "902"))).code

    foreign = await world.client.post("/v1/me/link", json={"code": code}, headers=b.member.bearer)
    linked = await world.client.post("/v1/me/link", json={"code": code}, headers=a.member.bearer)
    reused = await world.client.post("/v1/me/link", json={"code": code}, headers=a.member.bearer)

    assert foreign.status_code == 400
    assert foreign.json()["code"] == "link_code_invalid"
    assert linked.status_code == 200
    assert linked.json()["user_id"] == a.member.user_id
    assert reused.json()["code"] == "link_code_invalid"
    audit = await world.client.get("/v1/admin/audit", headers=a.admin.bearer)
    assert [e["action"] for e in audit.json()].count("identity.link") == 1


async def test_the_admin_stores_the_bot_token_encrypted_and_never_shows_it(any_world: World) -> None:
    world, a = any_world, any_world.a

    member = await world.client.put("/v1/admin/channels/telegram", json={"bot_token": TOKEN}, headers=a.member.bearer)
    stored = await world.client.put("/v1/admin/channels/telegram", json={"bot_token": TOKEN}, headers=a.admin.bearer)
    audit = await world.client.get("/v1/admin/audit", headers=a.admin.bearer)

    assert member.status_code == 403
    assert stored.status_code == 200
    assert TOKEN not in stored.text
    assert TOKEN not in audit.text
    assert "channel.telegram.set" in audit.text
    assert await world.platform.container.channel_settings().secret(a.id, "telegram", "bot_token") == TOKEN
    async with world.platform.container.uow()() as uow:
        row = await uow.channel_secrets.get(a.id, "telegram", "bot_token")
    assert row is not None
    assert TOKEN.encode() not in row.ciphertext


async def test_the_webhook_refuses_a_tenant_without_webhook_mode(any_world: World) -> None:
    answer = await any_world.client.post(
        "/v1/webhooks/telegram/acme",
        json={"update_id": 1},
        headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
    )

    assert answer.status_code == 403
    assert answer.json()["code"] == "webhook_forbidden"
