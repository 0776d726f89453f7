"""The web app in a real browser: `promptsaas serve` on a real socket (after `db upgrade` and `demo`), driven by
Debian's Chromium headless through Playwright; one server and one browser for this package, closed after its last
test (Playwright's sync API keeps an event loop running in this thread while it is open, so async tests live
elsewhere)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.http.server_process import Demo, ServerProcess, launch_server, promptsaas, server_env, start_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
"""Screenshots of each main page, kept after the run (git-ignored)."""


@pytest.fixture(scope="package")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("web")
    # Every browser test of the package signs up from 127.0.0.1 on this one server: more than the 10 sign-ups an
    # address may make (the limit itself: tests/unit/application/test_login_limits.py).
    many = {"PROMPTSAAS_REGISTER_LIMIT_PER_IP": "1000"}
    server = start_server(f"sqlite:///{workdir / 'promptsaas.db'}", workdir, extra_env=many)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `apt-get install -y chromium` (.ci/run installs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, web_server: ServerProcess) -> Iterator[Page]:
    """A fresh browser context (no cookies) on a desktop-sized window; console errors fail the test."""
    context = browser.new_context(base_url=web_server.url, viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: problems.append(str(e)))
    try:
        yield opened
    finally:
        context.close()
    assert not [p for p in problems if not EXPECTED.search(p)], problems


EXPECTED = re.compile(r"status of (400|402|403|404)\b")
"""Console lines a test provokes on purpose (a denied page, a refused form, a missing page)."""


def shot(page: Page, name: str) -> None:
    """Keep a full-page screenshot under tests/artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, caret="initial")


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/(\?.*)?$|/admin"))


def demo_server_with_catalog(
    workdir: Path, catalog: dict[str, object], extra_env: dict[str, str] | None = None
) -> ServerProcess:
    """The demo on a new SQLite file with `catalog` applied over it (as `promptsaas catalog apply`), served."""
    url = f"sqlite:///{workdir / 'promptsaas.db'}"
    env = server_env(url, workdir)
    promptsaas(env, workdir, "--database-url", url, "db", "upgrade")
    demo = Demo.from_output(promptsaas(env, workdir, "--json", "--database-url", url, "demo"))
    (workdir / "catalog.json").write_text(json.dumps(catalog))
    promptsaas(env, workdir, "--database-url", url, "catalog", "apply", "--tenant", demo.tenant, "catalog.json")
    return launch_server(url, workdir, demo, extra_env=extra_env)
