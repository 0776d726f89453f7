"""The member and admin story over a real socket, against `promptsaas serve` on SQLite and on PostgreSQL.

register → login → agents → runs until the free quota denies → admin grants pro → runs again → refresh rotation and
reuse → API key create, use, revoke → admin edits an agent's prompt → usage and audit show all of it.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.e2e.http.server_process import ServerProcess

pytestmark = pytest.mark.slow
FREE_REQUESTS_PER_DAY = 5  # the demo catalog


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json() if response.content else None


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["status"] == status
    assert all(body[name] for name in ("type", "title", "detail"))
    return body


def test_health_readiness_and_docs(served: ServerProcess) -> None:
    with served.client() as http:
        assert ok(http.get("/healthz")) == {"status": "ok"}
        assert ok(http.get("/readyz")) == {"status": "ready"}
        docs = http.get("/schema")
        assert docs.status_code == 200
        assert docs.headers["content-type"].startswith("text/html")
        document = ok(http.get("/schema/openapi.json"))
    assert document["openapi"].startswith("3.1")
    assert "/v1/agents/{slug}/runs" in document["paths"]


def test_member_from_register_to_a_denied_run_to_an_upgrade(served: ServerProcess) -> None:
    tenant = {"X-Tenant": served.demo.tenant}
    email, password = "story@example.com", "story-pa55word-long"
    served.secrets.add(password)
    with served.client(**tenant) as anonymous:
        assert ok(anonymous.post("/v1/auth/register", json={"email": email, "password": password}), 202)["status"]
        session = ok(anonymous.post("/v1/auth/login", json={"email": email, "password": password}))
        assert session["token_type"] == "bearer"
        problem(
            anonymous.post("/v1/auth/login", json={"email": email, "password": "wrong-password"}),
            401,
            "invalid_credentials",
        )
        tokens = ok(anonymous.post("/v1/auth/login", json={"email": email, "password": password}))
    served.secrets.update({session["access_token"], session["refresh_token"], tokens["access_token"]})
    member = served.client(Authorization=f"Bearer {tokens['access_token']}")

    access = {a["slug"]: a["access"] for a in ok(member.get("/v1/agents"))}
    assert access["tutor"] == {"allowed": True, "code": "ok"}
    assert access["writer"] == {"allowed": False, "code": "agent_not_in_plan"}
    problem(member.post("/v1/agents/writer/runs", json={"input": "a slogan"}), 403, "agent_not_in_plan")
    problem(member.post("/v1/agents/nope/runs", json={"input": "hi"}), 404, "agent_not_found")

    for n in range(1, FREE_REQUESTS_PER_DAY + 1):
        run = ok(member.post("/v1/agents/tutor/runs", json={"input": f"What is {n}+{n}?"}))
        assert run["usage"]["funding"] == "plan"
        assert run["text"]
        assert run["limits"][0]["remaining"] == FREE_REQUESTS_PER_DAY - n
    denied = member.post("/v1/agents/tutor/runs", json={"input": "one more?"})
    body = problem(denied, 402, "quota_exceeded")
    assert int(denied.headers["Retry-After"]) >= 1
    assert body["resets_at"]
    assert body["limits"][0]["remaining"] == 0
    assert body["limits"][0]["limit"] == FREE_REQUESTS_PER_DAY

    with served.client() as http:
        admin = _login(http, served, served.demo.admin)
        grant = ok(admin.post("/v1/admin/subscriptions", json={"email": email, "plan": "pro"}), 201)
        assert (grant["plan"], grant["status"]) == ("pro", "active")
    upgraded = ok(member.post("/v1/agents/tutor/runs", json={"input": "and now?"}))
    assert upgraded["usage"]["funding"] == "plan"
    assert ok(member.post("/v1/agents/writer/runs", json={"input": "a slogan"}))["text"]
    me = ok(member.get("/v1/me"))
    assert {s["plan"] for s in me["subscriptions"]} >= {"free", "pro"}
    assert {p["plan"] for p in ok(member.get("/v1/usage"))["plans"]} >= {"free", "pro"}
    member.close()


def test_refresh_rotates_a_retry_within_the_grace_gets_the_same_pair_and_logout_ends_it(served: ServerProcess) -> None:
    """Reuse after the grace window revokes the family: tests/integration/security covers it with a clock."""
    with served.client(**{"X-Tenant": served.demo.tenant}) as http:
        first = ok(http.post("/v1/auth/login", json=_credentials(served.demo.member)))
        second = ok(http.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}))
        served.secrets.update({first["access_token"], first["refresh_token"], second["refresh_token"]})
        assert second["refresh_token"] != first["refresh_token"]
        assert ok(http.get("/v1/me", headers={"Authorization": f"Bearer {second['access_token']}"}))["user"]

        retried = ok(http.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}))
        assert (retried["access_token"], retried["refresh_token"]) == (second["access_token"], second["refresh_token"])

        third = ok(http.post("/v1/auth/login", json=_credentials(served.demo.member)))
        assert http.post("/v1/auth/logout", json={"refresh_token": third["refresh_token"]}).status_code == 204
        assert http.post("/v1/auth/refresh", json={"refresh_token": third["refresh_token"]}).status_code == 401


def test_a_refresh_token_used_twice_at_once_gives_one_new_pair(served: ServerProcess) -> None:
    with served.client(**{"X-Tenant": served.demo.tenant}) as http:
        token = ok(http.post("/v1/auth/login", json=_credentials(served.demo.member)))["refresh_token"]
    served.secrets.add(token)

    def spend(_: int) -> tuple[int, str | None]:
        with served.client() as client:
            response = client.post("/v1/auth/refresh", json={"refresh_token": token})
            return response.status_code, response.json().get("refresh_token") if response.status_code == 200 else None

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(spend, range(4)))
    served.secrets.update(pair for _, pair in results if pair)
    assert {status for status, _ in results} <= {200, 401}
    assert len({pair for status, pair in results if status == 200}) == 1


def test_api_key_is_shown_once_acts_on_the_api_channel_and_dies_when_revoked(served: ServerProcess) -> None:
    with served.client() as http:
        member = _login(http, served, served.demo.member)
        created = ok(member.post("/v1/me/api-keys", json={"name": "ci"}), 201)
        key = created["key"]
        served.secrets.add(key)
        assert re.fullmatch(r"psk_[0-9A-Za-z]{40,}", key)
        assert key[4:].startswith(created["prefix"])
        listed = member.get("/v1/me/api-keys")
        assert key not in listed.text
        assert created["id"] in listed.text

        run = ok(http.post("/v1/agents/tutor/runs", json={"input": "via key"}, headers={"X-API-Key": key}))
        conversations = ok(http.get("/v1/conversations", headers={"Authorization": f"Bearer {key}"}))
        assert {"id": run["conversation_id"], "channel": "api"}.items() <= next(
            c for c in conversations if c["id"] == run["conversation_id"]
        ).items()

        assert member.delete(f"/v1/me/api-keys/{created['id']}").status_code == 204
        problem(http.get("/v1/me", headers={"X-API-Key": key}), 401, "invalid_token")
        assert [k["revoked"] for k in ok(member.get("/v1/me/api-keys")) if k["id"] == created["id"]] == [True]


def test_admin_edits_an_agent_prompt_and_usage_and_audit_show_everything(served: ServerProcess) -> None:
    with served.client() as http:
        admin = _login(http, served, served.demo.admin)
        agent = {"slug": "haiku", "name": "Haiku poet", "status": "published"}
        assert ok(admin.post("/v1/admin/agents", json=agent), 201)["active_version"] is None
        problem(admin.post("/v1/admin/agents", json=agent), 409, "agent_exists")
        for system in ("Answer in a haiku.", "Answer in a haiku about the sea."):
            draft = ok(
                admin.post("/v1/admin/agents/haiku/versions", json={"system": system, "model": "offline:echo"}), 201
            )
            assert draft["status"] == "draft"
        assert ok(admin.post("/v1/admin/agents/haiku/versions/1/activate"))["status"] == "active"
        assert ok(admin.post("/v1/admin/agents/haiku/versions/2/activate"))["status"] == "active"
        assert ok(admin.get("/v1/admin/agents/haiku/versions/1"))["status"] == "archived"
        assert ok(admin.post("/v1/admin/agents/haiku/rollback"))["number"] == 1
        assert ok(admin.get("/v1/admin/agents/haiku"))["active_version"] == 1
        diff = ok(admin.get("/v1/admin/agents/haiku/versions/1/diff/2"))["diff"]
        assert "about the sea" in diff
        ok(admin.post("/v1/admin/subscriptions", json={"email": served.demo.member["email"], "plan": "pro"}), 201)
        member = _login(http, served, served.demo.member)
        assert ok(member.post("/v1/agents/haiku/runs", json={"input": "the tide"}))["prompt_version"] == 1

        by_agent = {row["key"]: row for row in ok(admin.get("/v1/admin/usage", params={"group_by": "agent"}))}
        assert by_agent["haiku"]["requests"] == 1
        by_user = ok(admin.get("/v1/admin/usage", params={"group_by": "user"}))
        ids = {u["id"]: u["email"] for u in ok(admin.get("/v1/admin/users"))}
        assert [row["email"] for row in by_user] == [ids[row["key"]] for row in by_user]  # the key stays the id
        assert served.demo.member["email"] in {row["email"] for row in by_user}
        actions = {e["action"] for e in ok(admin.get("/v1/admin/audit", params={"limit": 200}))}
    assert {"agent.create", "prompt.create", "prompt.activate", "prompt.rollback"} <= actions


def test_usage_and_audit_record_the_whole_story(served: ServerProcess) -> None:
    """Runs after the story tests in this module: the grant, the keys and every run are on the record."""
    with served.client() as http:
        admin = _login(http, served, served.demo.admin)
        actions = [e["action"] for e in ok(admin.get("/v1/admin/audit", params={"limit": 200}))]
        by_agent = {row["key"]: row["requests"] for row in ok(admin.get("/v1/admin/usage"))}
        by_plan = {row["key"]: row["requests"] for row in ok(admin.get("/v1/admin/usage", params={"group_by": "plan"}))}
    assert {"subscription.grant", "api_key.create", "api_key.revoke", "user.create"} <= set(actions)
    assert by_agent["tutor"] >= FREE_REQUESTS_PER_DAY + 2
    assert by_plan["free"] >= FREE_REQUESTS_PER_DAY
    assert by_plan["pro"] >= 2


def test_a_retried_run_with_the_same_idempotency_key_is_answered_once_and_charged_once(served: ServerProcess) -> None:
    with served.client() as http:
        admin = _login(http, served, served.demo.admin)
        before = _requests_of(admin, served.demo.admin["email"])
        headers = {"Idempotency-Key": "retry-7f3c"}
        first = admin.post("/v1/agents/tutor/runs", json={"input": "charge me once"}, headers=headers)
        again = admin.post("/v1/agents/tutor/runs", json={"input": "charge me once"}, headers=headers)
        assert first.status_code == again.status_code == 200
        assert first.json() == again.json()
        assert _requests_of(admin, served.demo.admin["email"]) == before + 1
        problem(
            admin.post("/v1/agents/tutor/runs", json={"input": "something else"}, headers=headers),
            400,
            "idempotency_key_reused",
        )


def test_the_server_output_holds_no_password_token_or_key(served: ServerProcess) -> None:
    """Last in the module: everything the tests above handled, plus a failed login and a reused token."""
    with served.client(**{"X-Tenant": served.demo.tenant}) as http:
        http.post("/v1/auth/login", json={"email": served.demo.member["email"], "password": "leaky-wrong-pa55"})
        tokens = ok(http.post("/v1/auth/login", json=_credentials(served.demo.member)))
        http.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        http.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        http.get("/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}x"})
    served.secrets.update({"leaky-wrong-pa55", tokens["access_token"], tokens["refresh_token"]})
    output = served.output()
    leaked = sorted(s[:12] + "…" for s in served.secrets if s in output)
    assert not leaked, f"secrets in the server output: {leaked}\n{output[-2000:]}"


def _credentials(user: dict[str, str]) -> dict[str, str]:
    return {"email": user["email"], "password": user["password"]}


def _login(http: httpx.Client, served: ServerProcess, user: dict[str, str]) -> httpx.Client:
    tokens = ok(http.post("/v1/auth/login", json=_credentials(user), headers={"X-Tenant": served.demo.tenant}))
    served.secrets.update({tokens["access_token"], tokens["refresh_token"]})
    return served.client(Authorization=f"Bearer {tokens['access_token']}")


def _requests_of(admin: httpx.Client, email: str) -> int:
    users = {u["email"]: u["id"] for u in ok(admin.get("/v1/admin/users"))}
    rows = ok(admin.get("/v1/admin/usage", params={"group_by": "user"}))
    return sum(row["requests"] for row in rows if row["key"] in {users[email], email})
