"""A member attaches images in the chat when the agent's model sees them: the composer's file input sends them with
the streamed form (FormData) and with the plain multipart form when scripts are off; `offline:echo` says how many
images reached it."""

from __future__ import annotations

import base64
import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import log_in, shot

PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def pictures(count: int) -> list[dict[str, object]]:
    return [{"name": f"pixel-{n}.png", "mimeType": "image/png", "buffer": PIXEL} for n in range(count)]


def test_images_picked_in_the_composer_reach_the_model_while_the_reply_streams(
    page: Page, web_server: ServerProcess
) -> None:
    log_in(page, web_server.demo.member["email"], web_server.demo.member["password"])
    page.goto("/chat/tutor")
    page.get_by_label("Message").fill("What is in these pictures?")
    page.get_by_label("Images").set_input_files(pictures(2))  # type: ignore[arg-type]
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#thread .msg.assistant").last).to_contain_text("[2 images]")
    expect(page.get_by_label("Images")).to_have_value("")
    shot(page, "chat-images")


def test_an_image_reaches_the_model_through_the_plain_form_without_scripts(
    browser: Browser, web_server: ServerProcess
) -> None:
    context = browser.new_context(base_url=web_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, web_server.demo.member["email"], web_server.demo.member["password"])
        page.goto("/chat/tutor")
        page.get_by_label("Message").fill("And this one?")
        page.get_by_label("Images").set_input_files(pictures(1))  # type: ignore[arg-type]
        page.get_by_role("button", name="Send").click()
        expect(page).to_have_url(re.compile(r"/chat/tutor/[^/]+$"))
        expect(page.locator("#thread .msg.assistant").last).to_contain_text("[1 image]")
    finally:
        context.close()
