"""A page whose service fails unexpectedly answers the friendly error page (500, the app's layout, a plain
sentence), never a trace, the exception's type or its message; the app is served over a real socket in-process so
one service can be made to fail."""

from __future__ import annotations

from pathlib import Path

import httpx
from dependency_injector import providers

from promptsaas.application.admin import AdminService
from promptsaas.domain.tenants import Tenant
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.http.app import create_app
from promptsaas.entrypoints.library import AsyncPlatform
from tests.e2e.byok.test_byok_over_http import serving

INTERNALS = "disk /var/lib/promptsaas/shard-7 is corrupt"


class BrokenAdmin(AdminService):
    """The real service, except that listing the workspaces fails as a bug would."""

    async def tenants(self) -> list[Tenant]:
        raise RuntimeError(INTERNALS)


async def test_an_unexpected_error_shows_the_friendly_page_and_no_trace(tmp_path: Path) -> None:
    settings = Settings(
        database_url="memory://",
        secret_key="web-errors-e2e-signing-secret-0123456789ab",
        encryption_key_file=str(tmp_path / "encryption_key"),
    )
    platform = AsyncPlatform.in_memory(settings)
    container = platform.container
    container.admin.override(
        providers.Singleton(BrokenAdmin, container.uow, container.clock, container.ids, container.audit)
    )
    async with serving(create_app(container)) as url, httpx.AsyncClient(base_url=url) as client:
        broken = await client.get("/login")
        fine = await client.get("/login?workspace=acme")
    assert broken.status_code == 500
    assert broken.headers["content-type"].startswith("text/html")
    assert "something went wrong on our side" in broken.text
    for leak in ("Traceback", "RuntimeError", INTERNALS, "admin.py", 'File "'):
        assert leak not in broken.text, leak
    assert fine.status_code == 200  # the same page without the failing call renders
