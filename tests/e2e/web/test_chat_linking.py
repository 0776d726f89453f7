"""A member links Telegram or WhatsApp from settings: a button asks for a code, the page shows it with its expiry
and, once the tenant's bot is known, the t.me deep link that carries it."""

from __future__ import annotations

import re
import subprocess
import sys

from playwright.sync_api import Page, expect

from tests.e2e.http.server_process import ServerProcess, server_env
from tests.e2e.web.conftest import log_in, shot

NAME_THE_BOT = """
import asyncio, sys
from promptsaas.entrypoints.library import AsyncPlatform

async def main() -> None:
    async with AsyncPlatform.open() as platform:
        tenant = (await platform.container.admin().tenant(sys.argv[1])).id
        await platform.container.channel_settings().set_secret(tenant, "telegram", "bot_username", sys.argv[2])

asyncio.run(main())
"""


def name_the_bot(server: ServerProcess, username: str) -> None:
    """What the bot stores once Telegram told it its username (`getMe`), in the server's own database."""
    workdir = server.stderr_path.parent
    env = server_env(f"sqlite:///{workdir / 'promptsaas.db'}", workdir)
    run = [sys.executable, "-c", NAME_THE_BOT, server.demo.tenant, username]
    subprocess.run(run, env=env, cwd=workdir, check=True, capture_output=True, timeout=60)


def ask_for_a_code(page: Page) -> str:
    page.goto("/settings")
    page.get_by_role("button", name="Get a link code").click()
    code = page.get_by_label("Your link code")
    expect(code).to_have_value(re.compile(r"\S{6,}"))
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"until \d{4}-\d\d-\d\d \d\d:\d\d UTC"))
    return code.input_value()


def test_a_member_gets_a_link_code_and_the_bot_link_once_the_bot_is_known(
    page: Page, web_server: ServerProcess
) -> None:
    log_in(page, web_server.demo.member["email"], web_server.demo.member["password"])
    first = ask_for_a_code(page)
    expect(page.get_by_role("link", name="Open the Telegram bot")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(f"/start {first}")

    name_the_bot(web_server, "demo_shop_bot")
    second = ask_for_a_code(page)
    assert second != first
    bot = page.get_by_role("link", name="Open the Telegram bot")
    expect(bot).to_have_attribute("href", f"https://t.me/demo_shop_bot?start={second}")
    shot(page, "settings-link-code")
