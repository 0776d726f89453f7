"""The sign-up form over a real socket: the same page whether the address has an account, the tenant's sign-up mode
obeyed, the verification mail sent (the development server prints it), and nobody signed in by signing up."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.e2e.http.server_process import ServerProcess

PASSWORD = "a-long-enough-password"


@contextmanager
def form_client(server: ServerProcess) -> Iterator[httpx.Client]:
    """A client holding the CSRF cookie the form needs."""
    with server.client() as client:
        client.get("/signup")
        yield client


def sign_up(client: httpx.Client, workspace: str, email: str) -> httpx.Response:
    form = {"_csrf": client.cookies["ps_csrf"], "workspace": workspace, "email": email, "password": PASSWORD}
    return client.post("/signup", data=form, follow_redirects=False)


def log_in(client: httpx.Client, workspace: str, email: str) -> httpx.Response:
    form = {"_csrf": client.cookies["ps_csrf"], "workspace": workspace, "email": email, "password": PASSWORD}
    return client.post("/login", data=form, follow_redirects=False)


def mail_to(server: ServerProcess, to: str) -> str:
    """The last mail the development server printed for this address (subject and text)."""
    mails = re.findall(rf"--- mail to {re.escape(to)}: (.*?)\n---\n", server.output(), re.S)
    assert mails, f"no mail to {to}"
    return str(mails[-1])


@contextmanager
def signup_mode(server: ServerProcess, mode: str) -> Iterator[None]:
    demo = server.demo
    with server.client(**{"X-Tenant": demo.tenant}) as api:
        body = {"email": demo.admin["email"], "password": demo.admin["password"]}
        token = api.post("/v1/auth/login", json=body).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        assert api.put("/v1/admin/signup-mode", json={"mode": mode}, headers=bearer).status_code == 200
        try:
            yield
        finally:
            api.put("/v1/admin/signup-mode", json={"mode": "open"}, headers=bearer)


def page_text(answer: httpx.Response) -> str:
    """The page without the per-request CSRF token."""
    return re.sub(r'name="_csrf" value="[^"]*"', "", answer.text)


def test_signing_up_with_a_taken_address_shows_the_same_page_and_mails_its_owner(web_server: ServerProcess) -> None:
    demo = web_server.demo
    with form_client(web_server) as client:
        new = sign_up(client, demo.tenant, "newcomer@example.com")
        taken = sign_up(client, demo.tenant, demo.member["email"].upper())

    assert new.status_code == taken.status_code == 202
    assert "Check your mailbox" in new.text
    assert page_text(new) == page_text(taken)
    assert "already exists" not in taken.text
    assert "ps_access" not in new.headers.get("set-cookie", "")
    assert "Confirm your email address" in mail_to(web_server, "newcomer@example.com")
    assert "already has one" in mail_to(web_server, demo.member["email"])


def test_open_mode_lets_the_new_member_log_in_right_after(web_server: ServerProcess) -> None:
    with form_client(web_server) as client:
        assert sign_up(client, web_server.demo.tenant, "opener@example.com").status_code == 202
        assert client.get("/", follow_redirects=False).status_code == 302
        logged = log_in(client, web_server.demo.tenant, "opener@example.com")
        assert logged.status_code == 302, logged.text
        assert client.get("/", follow_redirects=False).status_code == 200


def test_verified_mode_lets_the_member_in_only_after_the_mailed_link(web_server: ServerProcess) -> None:
    tenant = web_server.demo.tenant
    with signup_mode(web_server, "verified"), form_client(web_server) as client:
        assert sign_up(client, tenant, "careful@example.com").status_code == 202
        refused = log_in(client, tenant, "careful@example.com")
        assert refused.status_code == 400
        assert "verify your email first" in refused.text

        link = re.search(r"verify-email\?token=([\w.%-]+)", mail_to(web_server, "careful@example.com"))
        assert link
        token = httpx.URL(f"/?token={link.group(1)}").params["token"]
        assert client.post("/v1/auth/verify-email", json={"token": token}).status_code == 204
        assert log_in(client, tenant, "careful@example.com").status_code == 302


def test_closed_and_invite_only_tenants_refuse_the_form_with_their_reason(web_server: ServerProcess) -> None:
    tenant = web_server.demo.tenant
    with form_client(web_server) as client:
        for mode, reason in [("closed", "does not take sign-ups"), ("invite", "by invite only")]:
            with signup_mode(web_server, mode):
                refused = sign_up(client, tenant, f"{mode}@example.com")
            assert refused.status_code == 400, mode
            assert reason in refused.text
            assert log_in(client, tenant, f"{mode}@example.com").status_code == 400
