"""Over HTTP, a stored key the server's encryption key no longer opens is 503 `byok_key_undecryptable` (the
operator's fault, nothing charged) and the member's key list still shows it valid."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import AsyncTestClient

from promptsaas.adapters.security.cipher import new_key_entry
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.http.app import create_app
from promptsaas.entrypoints.library import AsyncPlatform

EMAIL, PASSWORD = "member@acme.example", "member-pa55word-e2e"
USER_KEY = "sk-proj-members-own-key-0123456789abcd"
CATALOG = {
    "agents": [{"slug": "tutor", "name": "Tutor", "prompt": {"system": "Tutor.", "model": "openai:gpt-4o-mini"}}],
    "plans": [
        {
            "code": "free",
            "name": "Free",
            "default": True,
            "byok": True,
            "limits": [{"metric": "requests", "window": "day", "amount": 0}],
        }
    ],
}


def settings(tmp_path: Path, encryption_key: str) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'byok.db'}",
        secret_key="byok-e2e-signing-secret-0123456789abcdef",
        encryption_key=encryption_key,
        password_memory_kib=1024,
        password_time_cost=1,
    )


async def test_a_key_sealed_under_another_encryption_key_is_503_and_stays_valid(tmp_path: Path) -> None:
    async with await AsyncPlatform.open(settings=settings(tmp_path, new_key_entry("before"))) as before:
        acme = await before.create_tenant("acme")
        await acme.apply_catalog(CATALOG)
        await acme.create_user(EMAIL, PASSWORD)
        await acme.set_provider_key(EMAIL, "openai", USER_KEY)

    async with (
        await AsyncPlatform.open(settings=settings(tmp_path, new_key_entry("after"))) as after,
        AsyncTestClient(create_app(after.container)) as client,
    ):
        login = await client.post(
            "/v1/auth/login", json={"email": EMAIL, "password": PASSWORD}, headers={"X-Tenant": "acme"}
        )
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        run = await client.post("/v1/agents/tutor/runs", json={"input": "hi"}, headers=headers)
        keys = await client.get("/v1/me/provider-keys", headers=headers)

    assert run.status_code == 503, run.text
    assert run.headers["content-type"].startswith("application/problem+json")
    assert run.json()["code"] == "byok_key_undecryptable"
    assert USER_KEY not in run.text
    assert [(k["provider"], k["invalid"]) for k in keys.json()] == [("openai", False)]
