"""Serving the API under uvicorn (`promptsaas serve`)."""

from __future__ import annotations

import os

import uvicorn
from litestar import Litestar

from promptsaas.entrypoints.composition.container import build_container
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.http.app import create_app


def create() -> Litestar:
    """The ASGI app factory each worker calls: settings from the environment, one container per process."""
    return create_app_from(Settings.from_env())


def create_app_from(settings: Settings) -> Litestar:
    return create_app(build_container(settings))


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, database_url: str | None = None) -> None:
    if database_url:
        os.environ["PROMPTSAAS_DATABASE_URL"] = database_url
    uvicorn.run(
        "promptsaas.entrypoints.http.server:create",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )
