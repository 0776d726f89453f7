"""The chat's reply streams in the browser: the words show as the model writes them (the LLM stub paces them), then
the exchange settles with the limits as before (and a notice under a reply cut short); model output that looks
like markup is shown as text; without JavaScript the form posts and the page reloads with the reply."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import demo_server_with_catalog, shot
from tests.e2e.web.test_member_app import send, sign_up

ROOT = Path(__file__).resolve().parents[3]
STORY = " ".join(f"word{i}" for i in range(1, 13))
TUTOR = {
    "agents": [
        {
            "slug": "tutor",
            "name": "Math tutor",
            "description": "Step-by-step help with math questions",
            "prompt": {"system": "You are a patient math tutor.", "model": "openai:gpt-4o-mini"},
        }
    ]
}


@pytest.fixture(scope="module")
def stub() -> Iterator[str]:
    """The LLM stub as its own process; its base URL (scripted over `/_stub/script`)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.llm_stub", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield str(json.loads(process.stdout.readline())["url"])
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def streaming_server(stub: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The demo with its math tutor on an OpenAI model, which is the stub."""
    provider = {"OPENAI_BASE_URL": f"{stub}/v1", "OPENAI_API_KEY": "sk-platform-0123456789"}
    server = demo_server_with_catalog(tmp_path_factory.mktemp("web-stream"), TUTOR, provider)
    try:
        yield server
    finally:
        server.stop()


def _script(stub: str, *steps: dict[str, object]) -> None:
    httpx.post(f"{stub}/_stub/script", json=[{"kind": "reply", **step} for step in steps]).raise_for_status()


Chat = Callable[..., Page]


@pytest.fixture
def chat(browser: Browser, streaming_server: ServerProcess) -> Iterator[Chat]:
    """Opens the tutor's chat as a newly signed-up member (free plan: 5 requests a day), with or without JavaScript;
    a script error or a console error fails the test."""
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def open_chat(email: str, *, javascript: bool = True) -> Page:
        viewport: ViewportSize = {"width": 1280, "height": 860}
        context = browser.new_context(base_url=streaming_server.url, viewport=viewport, java_script_enabled=javascript)
        contexts.append(context)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        sign_up(page, email)
        page.goto("/chat/tutor")
        return page

    try:
        yield open_chat
    finally:
        for context in contexts:
            context.close()
    assert not problems, problems


def test_the_reply_shows_word_by_word_then_settles_with_the_limits(chat: Chat, stub: str) -> None:
    _script(stub, {"text": STORY, "chunk_delay": 0.15})
    page = chat("sam@example.com")
    send(page, "tell me a story")
    reply = page.locator(".msg.assistant .text")
    seen: list[str] = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        text = reply.first.text_content() if reply.count() else ""
        seen.append(text or "")
        if text == STORY:
            break
        if text and len(text.split()) == 4:
            shot(page, "chat-streaming")
        page.wait_for_timeout(50)

    pieces = [text for text in seen if text and text != STORY]
    assert pieces, "the reply was seen before it was finished"
    assert all(STORY.startswith(text) for text in pieces)
    assert len(set(pieces)) > 2, "the reply grew in several steps"
    expect(reply).to_have_text(STORY)
    expect(page.locator(".msg.assistant .meta")).to_contain_text("openai:gpt-4o-mini")
    expect(page.locator("#limits")).to_contain_text("4 left of 5")
    expect(page.get_by_label("Message")).to_have_value("")
    thread = page.get_by_role("navigation", name="Conversations")
    expect(thread.get_by_role("link", name=re.compile("tell me a story"))).to_be_visible()

    thread.get_by_role("link", name=re.compile("tell me a story")).click()
    expect(page.locator(".msg.user .text")).to_have_text("tell me a story")
    expect(page.locator(".msg.assistant .text")).to_have_text(STORY)


def test_a_reply_cut_short_shows_a_notice_under_it_and_a_whole_one_none(chat: Chat, stub: str) -> None:
    _script(stub, {"text": "The sea is", "finish_reason": "length"}, {"text": "The sea is calm."})
    page = chat("lea@example.com")
    send(page, "tell me everything about the sea")
    cut = page.locator(".msg.assistant").last
    expect(cut.locator(".text")).to_have_text("The sea is")
    expect(cut.get_by_role("note")).to_have_text("Reply cut short: the answer reached its length limit.")
    send(page, "and briefly?")
    whole = page.locator(".msg.assistant").last
    expect(whole.locator(".text")).to_have_text("The sea is calm.")
    expect(whole.get_by_role("note")).to_have_count(0)
    page.reload()  # a new thread; the one just written, read back from the database, says it too
    page.locator("#thread-list a").first.click()
    expect(page.locator(".msg.assistant")).to_have_count(2)
    cut, whole = page.locator(".msg.assistant").first, page.locator(".msg.assistant").last
    expect(cut.get_by_role("note")).to_have_text("Reply cut short: the answer reached its length limit.")
    expect(whole.get_by_role("note")).to_have_count(0)


def test_markup_in_the_reply_is_shown_as_text(chat: Chat, stub: str) -> None:
    markup = '<b id="injected">bold</b> <img src=x onerror=alert(1)>'
    _script(stub, {"text": markup, "chunk_delay": 0.05})
    page = chat("mel@example.com")
    send(page, "say it in html")
    expect(page.locator(".msg.assistant .text")).to_have_text(markup)
    expect(page.locator("#injected")).to_have_count(0)
    expect(page.locator(".msg img")).to_have_count(0)


def test_a_provider_failure_mid_stream_keeps_what_came_and_shows_the_notice(chat: Chat, stub: str) -> None:
    _script(stub, {"text": STORY, "chunk_delay": 0.05, "fail_after_words": 3})
    page = chat("kim@example.com")
    send(page, "tell me a story")
    expect(page.locator("#notice [role=alert]")).to_contain_text("llm_unavailable")
    expect(page.locator(".msg.assistant .text")).to_have_text("word1 word2 word3 ")
    expect(page.get_by_role("button", name="Send")).to_be_enabled()
    page.reload()
    expect(page.locator("#limits")).to_contain_text("4 left of 5")  # the words shown were charged


def test_without_javascript_the_form_posts_and_the_page_shows_the_reply(chat: Chat, stub: str) -> None:
    _script(stub, {"text": STORY})
    page = chat("noa@example.com", javascript=False)
    send(page, "no scripts here")
    expect(page).to_have_url(re.compile(r"/chat/tutor/[\w-]+$"))
    expect(page.locator(".msg.assistant .text")).to_have_text(STORY)
    expect(page.locator("#limits")).to_contain_text("4 left of 5")
