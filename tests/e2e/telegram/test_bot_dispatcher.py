"""The bot's handlers through aiogram's Dispatcher, talking HTTP to the Bot API stub: what a Telegram user sees."""

from __future__ import annotations

import html
from pathlib import Path

from promptsaas.domain.users import UserStatus
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from promptsaas.entrypoints.telegram.shell import TelegramShell, build_shell
from tests.e2e.telegram.conftest import CATALOG, bot_settings
from tests.support.telegram_stub import TelegramStub

TOM = 7001


async def feed(shell: TelegramShell, update: dict[str, object]) -> None:
    await shell.dispatcher.feed_raw_update(shell.bot, update)


async def test_start_greets_and_plain_text_reaches_the_default_agent(shell: TelegramShell, stub: TelegramStub) -> None:
    await feed(shell, stub.text_update(TOM, "/start"))
    await feed(shell, stub.text_update(TOM, "hello there"))

    greeting, reply = stub.texts(TOM)
    assert greeting.startswith("Hello! You are talking to helper.")
    assert reply == "hello there"
    assert stub.sent("sendChatAction")[0]["action"] == "typing"
    assert stub.sent()[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "agents"


async def test_the_same_update_five_times_gets_one_reply(shell: TelegramShell, stub: TelegramStub) -> None:
    update = stub.text_update(TOM, "only once")

    for _ in range(5):
        await feed(shell, update)

    assert stub.texts(TOM) == ["only once"]


async def test_agents_are_chosen_with_buttons(shell: TelegramShell, stub: TelegramStub) -> None:
    await feed(shell, stub.text_update(TOM, "/agents"))
    buttons = [row[0]["callback_data"] for row in stub.sent()[-1]["reply_markup"]["inline_keyboard"]]
    await feed(shell, stub.button_update(TOM, "agent:poet"))

    assert buttons == ["agent:helper", "agent:poet"]
    assert stub.texts(TOM)[-1] == "You are now talking to Poet."
    assert len(stub.sent("answerCallbackQuery")) == 1


async def test_a_spent_limit_names_it_and_offers_an_upgrade(shell: TelegramShell, stub: TelegramStub) -> None:
    for n in range(4):
        await feed(shell, stub.text_update(TOM, f"question {n}"))

    denial = stub.sent()[-1]
    assert "you used all 3 requests per day" in denial["text"]
    assert denial["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "buy:pro"
    await feed(shell, stub.text_update(TOM, "/usage"))
    assert "3 of 3 used, 0 left" in stub.texts(TOM)[-1]


async def test_model_output_is_escaped_and_long_replies_are_split(shell: TelegramShell, stub: TelegramStub) -> None:
    said = "<b>bold & broken</b> " * 600  # offline:echo says it back: 12 600 characters

    await feed(shell, stub.text_update(TOM, said))

    parts = stub.sent()
    assert len(parts) == 6  # escaped, the text is 22 200 characters
    assert all(len(p["text"]) <= 4096 for p in parts)
    assert all(p["parse_mode"] == "HTML" for p in parts)
    assert "".join(html.unescape(p["text"]) for p in parts).strip() == said.strip()


async def test_a_reply_cut_short_ends_with_a_line_saying_why(shell: TelegramShell, stub: TelegramStub) -> None:
    for said in ("cut: the sea is", "filtered: the sea is", "the sea is"):
        await feed(shell, stub.text_update(TOM, said))

    assert [html.unescape(text) for text in stub.texts(TOM)] == [
        "the sea is\n\n(reply cut short: the answer reached its length limit)",
        "the sea is\n\n(reply cut short: the provider's content filter withheld the rest)",
        "the sea is",
    ]


async def test_a_disabled_user_gets_a_polite_refusal(
    platform: AsyncPlatform, tenant: AsyncTenant, shell: TelegramShell, stub: TelegramStub
) -> None:
    await feed(shell, stub.text_update(TOM, "/start"))
    tom = next(u for u in await tenant.users() if u.email is None)
    await platform.container.admin().update_user(await tenant.id(), tom.id, status=UserStatus.DISABLED)

    await feed(shell, stub.text_update(TOM, "hello?"))

    assert stub.texts(TOM)[-1] == "Sorry, this account is disabled; please contact the operator."


async def test_a_photo_becomes_an_image_for_a_model_that_reads_images(shell: TelegramShell, stub: TelegramStub) -> None:
    await feed(shell, stub.photo_update(TOM, "what is it?"))

    assert stub.sent("getFile")[0]["file_id"] == "photo-1"
    assert stub.texts(TOM) == ["what is it? [1 image]"]


async def test_the_web_code_links_the_chat_by_deep_link(
    platform: AsyncPlatform, tenant: AsyncTenant, shell: TelegramShell, stub: TelegramStub
) -> None:
    ann = next(u for u in await tenant.users() if u.email == "ann@example.com")
    issued = await platform.container.links().issue(await tenant.id(), ann.id)

    await feed(shell, stub.text_update(TOM, f"/start {issued.code}"))
    await feed(shell, stub.text_update(TOM, "/link"))

    assert stub.texts(TOM)[0].startswith("Linked!")
    assert "Your link code is" in stub.texts(TOM)[1]


async def test_an_update_seen_before_a_restart_is_not_applied_again(stub: TelegramStub, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    update = stub.text_update(TOM, "before the restart")
    for _ in range(2):  # two processes in turn over one database
        async with AsyncPlatform.open(url, bot_settings(stub, url)) as platform:
            if not await platform.tenants():
                acme = await platform.create_tenant("acme")
                await acme.apply_catalog(CATALOG)
            shell = await build_shell(platform.container, "acme")
            try:
                await feed(shell, update)
            finally:
                await shell.close()

    assert stub.texts(TOM) == ["You said: before the restart"]


async def test_the_catalog_s_default_agent_answers_until_another_is_chosen(stub: TelegramStub, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'default-agent.db'}"
    async with AsyncPlatform.open(url, bot_settings(stub, url)) as platform:
        acme = await platform.create_tenant("acme")
        await acme.apply_catalog({**CATALOG, "default_agent": "poet"})
        shell = await build_shell(platform.container, "acme")
        try:
            await feed(shell, stub.text_update(TOM, "/start"))
            await feed(shell, stub.text_update(TOM, "/agents"))
            await feed(shell, stub.button_update(TOM, "agent:helper"))
            await feed(shell, stub.text_update(TOM, "/agents"))
        finally:
            await shell.close()

    greeting, agents, _, chosen = stub.texts(TOM)
    assert greeting.startswith("Hello! You are talking to poet.")
    assert "Poet (current)" in agents
    assert "Helper (current)" in chosen
