"""No password, token, API key or provider key appears in a log line (captured at DEBUG, SQL included on SQLite) or
in any response beyond its one-time display; audit rows and key listings never hold one."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from promptsaas.adapters.observability.logs import QUIET
from tests.e2e.http import tally
from tests.e2e.http.world import GOOGLE_CLIENT, World


@dataclass
class Recorder:
    world: World
    responses: list[tuple[str, str, frozenset[str]]] = field(default_factory=list)

    async def __call__(self, method: str, path: str, *, shows: tuple[str, ...] = (), **kwargs: Any) -> Any:
        """One request; `shows` names the JSON fields whose secret this response displays once."""
        response = await self.world.client.request(method, path, **kwargs)
        body = response.json() if response.content else {}
        displayed = frozenset(str(body[name]) for name in shows if isinstance(body, dict) and name in body)
        for name in shows:
            assert name in body, (method, path, response.status_code, body)
        self.world.secrets.update(displayed)
        self.responses.append((f"{method} {path} -> {response.status_code}", response.text, displayed))
        return body


async def _story(world: World, call: Recorder) -> None:
    """Every way a secret enters or leaves the API, with the wrong ones too."""
    tenant = {"X-Tenant": world.a.slug}
    password, wrong = "n3w-member-pa55word", "wr0ng-guess-pa55word"
    world.secrets.update({password, wrong})
    account = {"email": "newbie@acme.example", "password": password}
    await call("POST", "/v1/auth/register", json=account, headers=tenant)
    await call("POST", "/v1/auth/register", json=account, headers=tenant)
    await call("POST", "/v1/auth/login", json={**account, "password": wrong}, headers=tenant)
    await call("POST", "/v1/auth/login", json={**account, "email": "nobody@acme.example"}, headers=tenant)
    first = await call("POST", "/v1/auth/login", json=account, headers=tenant, shows=("access_token", "refresh_token"))
    bearer = {"Authorization": f"Bearer {first['access_token']}"}
    await call(
        "POST",
        "/v1/auth/refresh",
        json={"refresh_token": first["refresh_token"]},
        shows=("access_token", "refresh_token"),
    )
    # (a retry of that refresh within the grace window shows the same pair again, by design: test_story covers it)
    await call("GET", "/v1/me", headers={"Authorization": f"Bearer {first['access_token']}tampered"})
    await call("GET", "/v1/me", headers={"Authorization": f"Bearer {first['refresh_token']}"})

    key = await call("POST", "/v1/me/api-keys", json={"name": "laptop"}, headers=bearer, shows=("key",))
    await call("GET", "/v1/me/api-keys", headers=bearer)
    await call("POST", "/v1/agents/tutor/runs", json={"input": "hi"}, headers={"X-API-Key": key["key"]})
    await call("DELETE", f"/v1/me/api-keys/{key['id']}", headers=bearer)
    await call("GET", "/v1/me", headers={"X-API-Key": key["key"]})
    await call("GET", "/v1/me", headers={"X-API-Key": key["key"] + "x"})

    provider_key = "sk-provider-secret-0123456789abcdef"
    world.secrets.add(provider_key)
    if any(r.path.startswith("/v1/me/provider-keys") for r in world.client.app.routes):
        await call("PUT", "/v1/me/provider-keys/openai", json={"api_key": provider_key}, headers=bearer)
        await call("GET", "/v1/me/provider-keys", headers=bearer)

    id_token = world.jwks.sign(
        {
            "iss": "https://accounts.google.com",
            "aud": GOOGLE_CLIENT,
            "sub": "g-77",
            "email": "gina@gmail.com",
            "email_verified": True,
        },
        "k1",
    )
    world.secrets.add(id_token)
    await call(
        "POST",
        "/v1/auth/oauth/google",
        json={"id_token": id_token},
        headers=tenant,
        shows=("access_token", "refresh_token"),
    )
    await call("POST", "/v1/auth/oauth/google", json={"id_token": id_token + "x"}, headers=tenant)

    admin = world.a.admin.bearer
    for path in ("/v1/admin/audit?limit=200", "/v1/admin/users", "/v1/admin/subscriptions", "/v1/me"):
        await call("GET", path, headers=admin)


def _key_in(path: Path) -> set[str]:
    """The development encryption key, when the provider keys created one."""
    return {path.read_text().strip()} if path.exists() else set()


async def test_no_secret_in_logs_or_responses_beyond_its_one_time_display(
    any_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in QUIET:  # the HTTP clients' request lines are quiet in production; here they are scanned too
        caplog.set_level(logging.DEBUG, logger=name)
    call = Recorder(any_world)
    await _story(any_world, call)
    any_world.secrets.update(_key_in(Path(any_world.settings.encryption_key_file)))
    secrets = {s for s in any_world.secrets if len(s) >= 8}

    leaks = []
    for label, text, displayed in call.responses:
        leaks += [(label, s[:10] + "…") for s in secrets - displayed if s in text]
        if "$argon2" in text:
            leaks.append((label, "a password hash"))
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    leaks += [("log", s[:10] + "…") for s in secrets if s in logged]
    group = f"security: secrets scan ({any_world.settings.database_url.split(':')[0]})"
    tally.count(group, "secrets", len(secrets))
    tally.count(group, "responses", len(call.responses))
    tally.count(group, "log records", len(caplog.records))
    assert not leaks, leaks
    assert len(caplog.records) > 0
