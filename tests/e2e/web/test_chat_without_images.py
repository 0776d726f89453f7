"""A member chats with an agent whose model reads no images: the composer has no image picker and the reply comes,
streamed with scripts and through the plain form without; a chat form that carries no `image` field at all (a
client's own POST) means no images and is answered like any other."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import demo_server_with_catalog, log_in, shot
from tests.e2e.web.test_member_app import send, sign_up

BLIND = {
    "models": [
        {
            "id": "offline:echo",
            "input_usd_per_mtok": 0,
            "output_usd_per_mtok": 0,
            "context_window": 32000,
            "vision": False,
        }
    ]
}
"""The demo's offline model, overridden in the tenant's catalog to read no images (as `openai:o3-mini` reads none)."""


@pytest.fixture(scope="module")
def blind_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The demo, whose agents all run on the offline model, made one that reads no images."""
    server = demo_server_with_catalog(tmp_path_factory.mktemp("web-blind"), BLIND)
    try:
        yield server
    finally:
        server.stop()


def blind_page(browser: Browser, server: ServerProcess, *, scripts: bool) -> Page:
    context = browser.new_context(base_url=server.url, java_script_enabled=scripts)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, server.demo.member["email"], server.demo.member["password"])
    page.goto("/chat/tutor")
    expect(page.get_by_label("Images")).to_have_count(0)
    return page


def test_an_agent_whose_model_reads_no_images_answers_while_the_reply_streams(
    browser: Browser, blind_server: ServerProcess
) -> None:
    page = blind_page(browser, blind_server, scripts=True)
    try:
        send(page, "Hello without pictures")
        expect(page.locator("#thread .msg.assistant").last).to_contain_text("You said: Hello without pictures")
        expect(page.locator("#notice")).not_to_contain_text("went wrong")
        shot(page, "chat-no-images")
    finally:
        page.context.close()


def test_an_agent_whose_model_reads_no_images_answers_the_plain_form_without_scripts(
    browser: Browser, blind_server: ServerProcess
) -> None:
    page = blind_page(browser, blind_server, scripts=False)
    try:
        send(page, "And without scripts")
        expect(page).to_have_url(re.compile(r"/chat/tutor/[^/]+$"))
        expect(page.locator("#thread .msg.assistant").last).to_contain_text("You said: And without scripts")
    finally:
        page.context.close()


@pytest.mark.parametrize("action", ["send", "stream"])
def test_a_chat_form_without_an_image_field_means_no_images(page: Page, action: str) -> None:
    sign_up(page, f"no-image-field-{action}@example.com")
    page.goto("/chat/tutor")
    csrf = page.locator("#composer input[name=_csrf]").input_value()
    fields = {"_csrf": csrf, "input": f"no picture field ({action})"}
    answer = page.request.post(f"/chat/tutor/{action}", multipart=fields)
    assert answer.ok, answer.text()  # the send page (after its redirect), or the stream of the reply
    assert f"You said: no picture field ({action})" in answer.text()
    assert "[1 image" not in answer.text()
