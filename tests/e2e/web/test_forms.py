"""Every form of the web app is refused without its CSRF token (or with another one), and changes nothing; pages
carry a Content-Security-Policy without inline script, and the session cookies are HttpOnly and SameSite=Lax."""

from __future__ import annotations

import re

from litestar.handlers import HTTPRouteHandler
from playwright.sync_api import Page, expect

from promptsaas.entrypoints.web.router import PAGES
from tests.e2e.http.server_process import ServerProcess
from tests.e2e.web.conftest import log_in


def form_paths() -> list[str]:
    """Every POST route of the web app, its path parameters filled with the demo's names."""
    found = []
    for controller in PAGES:
        prefix = str(vars(controller).get("path", "")).rstrip("/")
        for name in dir(controller):
            handler = getattr(controller, name)
            if isinstance(handler, HTTPRouteHandler) and "POST" in handler.http_methods:
                for path in handler.paths:
                    filled = re.sub(r"{(\w+):int}", "1", re.sub(r"{slug:str}", "tutor", path))
                    found.append(prefix + re.sub(r"{\w+:str}", "someone", filled))
    return sorted(found)


STATE_PROTECTED = {"/login/{provider:str}/callback"}
"""Apple's sign-in answer comes as a form POST from Apple: its state, not a CSRF token, protects it (see
test_oauth_sign_in.py)."""


def test_every_form_without_its_token_is_refused_and_changes_nothing(page: Page, web_server: ServerProcess) -> None:
    paths = [path for path in form_paths() if path not in STATE_PROTECTED]
    forms = {"/login", "/signup", "/logout", "/verify-email", "/forgot-password", "/reset-password"}
    assert forms | {"/chat/tutor/send", "/chat/tutor/stream", "/admin/agents/tutor/rollback"} <= set(paths)
    assert {"/admin/payments/someone/refund", "/admin/models", "/admin/channels/someone"} <= set(paths)
    assert {"/plans/checkout", "/plans/portal", "/plans/subscriptions/someone/cancel"} <= set(paths)
    console = {
        "/admin/agents/",
        "/admin/agents/tutor/settings",
        "/admin/agents/tutor/publish",
        "/admin/agents/tutor/retire",
    }
    console |= {"/admin/agents/tutor/versions/1/try", "/admin/plans/someone", "/admin/subscriptions"}
    assert console | {"/admin/subscriptions/someone/cancel"} <= set(paths)
    assert "/settings/link-code" in paths
    log_in(page, web_server.demo.admin["email"], web_server.demo.admin["password"])
    page.goto("/admin/audit")
    entries = page.locator("tbody tr").count()
    for path in paths:
        refused = page.request.post(path, form={"input": "hi", "email": "x@example.com", "password": "p" * 12})
        assert refused.status == 403, path
        assert "did not come from this site" in refused.text(), path
        forged = page.request.post(path, form={"_csrf": "forged", "input": "hi"})
        assert forged.status == 403, path
    page.goto("/admin/audit")
    expect(page.locator("tbody tr")).to_have_count(entries)
    page.goto("/")
    expect(page.get_by_role("heading", name="Agents")).to_be_visible()


def test_pages_forbid_inline_script_and_keep_the_session_out_of_reach_of_scripts(
    page: Page, web_server: ServerProcess
) -> None:
    response = page.goto("/login")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    log_in(page, web_server.demo.member["email"], web_server.demo.member["password"])
    cookies = {c["name"]: c for c in page.context.cookies()}
    for name in ("ps_access", "ps_refresh", "ps_csrf"):
        assert cookies[name]["httpOnly"], name
        assert cookies[name]["sameSite"] == "Lax", name
    assert not page.locator("script:not([src])").count()
