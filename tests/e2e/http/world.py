"""The app in this process (litestar's AsyncTestClient) with two tenants, each with an admin and a member.

Every password, token and key handed out is recorded in `World.secrets`, for the scans that prove none leaks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from promptsaas.application.auth.rate_limits import AuthRateLimits
from promptsaas.entrypoints.cli.demo import CATALOG as DEMO_CATALOG
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.http.app import create_app
from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant
from tests.support.jwks_stub import JwksStub

CATALOG = DEMO_CATALOG
SIGNING_SECRET = "in-process-signing-secret-0123456789abcdef"
ISSUER = "promptsaas-e2e"
AUDIENCE = "promptsaas-e2e-api"
GOOGLE_CLIENT = "e2e.apps.googleusercontent.com"
APPLE_CLIENT = "dev.promptsaas.e2e"
MAX_BODY_BYTES = 64 * 1024
GENEROUS = AuthRateLimits(login_per_ip=100_000, login_per_email=100_000, register_per_ip=100_000)


@dataclass
class Account:
    email: str
    password: str
    user_id: str = ""
    access_token: str = ""
    refresh_token: str = ""

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


@dataclass
class TenantWorld:
    slug: str
    id: str
    admin: Account
    member: Account
    library: AsyncTenant


@dataclass
class World:
    client: AsyncTestClient[Any]
    platform: AsyncPlatform
    settings: Settings
    jwks: JwksStub
    a: TenantWorld
    b: TenantWorld
    secrets: set[str] = field(default_factory=set)

    async def login(self, tenant: TenantWorld, account: Account) -> Account:
        response = await self.client.post(
            "/v1/auth/login",
            json={"email": account.email, "password": account.password},
            headers={"X-Tenant": tenant.slug},
        )
        assert response.status_code == 200, response.text
        account.access_token = response.json()["access_token"]
        account.refresh_token = response.json()["refresh_token"]
        self.secrets.update({account.access_token, account.refresh_token})
        return account


def settings_for(database_url: str, workdir: Path, jwks_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=f"inproc:{SIGNING_SECRET}",
        secret_key_file=str(workdir / "secret_key"),
        encryption_key_file=str(workdir / "encryption_key"),
        token_issuer=ISSUER,
        token_audience=AUDIENCE,
        password_memory_kib=1024,
        password_time_cost=1,
        max_body_bytes=MAX_BODY_BYTES,
        auth_rate_limits=GENEROUS,
        google_client_ids=(GOOGLE_CLIENT,),
        apple_client_ids=(APPLE_CLIENT,),
        google_jwks_url=jwks_url,
        apple_jwks_url=jwks_url,
    )


async def _tenant(platform: AsyncPlatform, slug: str, secrets: set[str]) -> TenantWorld:
    library = await platform.create_tenant(slug, name=slug.title())
    await library.apply_catalog(CATALOG)
    admin = Account(f"admin@{slug}.example", f"{slug}-admin-pa55word")
    member = Account(f"member@{slug}.example", f"{slug}-member-pa55word")
    for account, role in ((admin, "admin"), (member, "member")):
        account.user_id = (await library.create_user(account.email, account.password, role=role)).id
        secrets.add(account.password)
    return TenantWorld(slug, await library.id(), admin, member, library)


@asynccontextmanager
async def world(database_url: str, workdir: Path) -> AsyncIterator[World]:
    """Tenants `acme` (A) and `globex` (B) on the demo catalog; every account logged in over HTTP."""
    with JwksStub() as jwks:
        jwks.add_key("k1")
        settings = settings_for(database_url, workdir, jwks.url)
        memory = database_url == "memory://"
        platform = AsyncPlatform.in_memory(settings) if memory else await AsyncPlatform.open(settings=settings)
        secrets: set[str] = {SIGNING_SECRET}
        a = await _tenant(platform, "acme", secrets)
        b = await _tenant(platform, "globex", secrets)
        async with AsyncTestClient(create_app(platform.container)) as client:
            made = World(client, platform, settings, jwks, a, b, secrets)
            for tenant in (a, b):
                await made.login(tenant, tenant.admin)
                await made.login(tenant, tenant.member)
            yield made
