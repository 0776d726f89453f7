"""Serving the API under uvicorn (`promptsaas serve`)."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

from promptsaas.entrypoints.composition.settings import Settings, check_production_secrets
from promptsaas.entrypoints.http.slow_clients import protocol

if TYPE_CHECKING:
    from litestar import Litestar

ACCESS_LOG_LEVELS = frozenset({"info", "debug", "trace"})
PACKAGE = Path(__file__).resolve().parents[2]
"""The installed `promptsaas` package: what `--reload` watches."""
YOUNG_COLLECTION_EVERY = 10_000
"""Net allocations between two young-generation collections (Python's default: 700). Under load a request's objects
live across many of the default's collections while it waits on the database or the provider, so each one walks
them again, and each survival pushes them toward the full collections; 10,000 cut the collector's time from about 6 %
of a worker's CPU to 0.3 % (see the README's Start-up and memory)."""


def create() -> Litestar:
    """The ASGI app factory each worker calls: settings from the environment, one container per process.

    The collector is off while the app is built: start-up makes objects that all live as long as the process and no
    garbage cycles (a collection afterwards finds none), so the 270 or so collections it triggered only walked them
    (about 100 ms of a worker's start). What it made (modules, the container, the app: most of the process's
    objects) is then moved out of the collector's sight (`gc.freeze`), so a full collection under load walks only
    what requests left behind: about 5 ms instead of 60 (24 ms once a provider's SDK, imported later, is loaded).
    Young collections then come every `YOUNG_COLLECTION_EVERY` allocations; the older generations keep their default
    ratios."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        app = create_app_from(Settings.from_env())
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)
    return app


def create_app_from(settings: Settings) -> Litestar:
    """The app on a new container. Imported here, not with the module, so that `serve --workers N`'s supervisor,
    which only starts and watches the workers, holds uvicorn and the CLI but not the app (about 60 MB less)."""
    from promptsaas.entrypoints.composition.container import build_container
    from promptsaas.entrypoints.http.app import create_app

    return create_app(build_container(settings))


def share_metrics_between_workers(workers: int) -> Path | None:
    """Prometheus multi-process mode: every worker writes its series under one directory that `/metrics` adds up.
    An operator's own `PROMETHEUS_MULTIPROC_DIR` (with any worker count) is made if missing and cleared of a previous
    run's series files; with several workers and none set, a temporary directory is made and returned, for `serve` to
    remove when it ends."""
    from promptsaas.adapters.observability.metrics import MULTIPROCESS_DIR, prepare_multiprocess_dir

    own = os.environ.get(MULTIPROCESS_DIR)
    if own:
        prepare_multiprocess_dir(Path(own))
        return None
    if workers == 1:
        return None
    temporary = Path(tempfile.mkdtemp(prefix="promptsaas-metrics-"))
    os.environ[MULTIPROCESS_DIR] = str(temporary)
    return temporary


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    database_url: str | None = None,
    *,
    log_level: str = "warning",
    reload: bool = False,
    proxy_headers: bool = False,
    forwarded_allow_ips: str | None = None,
    max_connections: int = 1000,
    bot: str | None = None,
) -> None:
    """Run uvicorn until it stops. Requests are logged from `info` down; `proxy_headers` trusts X-Forwarded-For and
    X-Forwarded-Proto from `forwarded_allow_ips` (uvicorn's default: 127.0.0.1); `reload` watches the package.
    Slow clients are cut off (see `slow_clients`): headers and body deadlines, at most `max_connections` at once,
    request heads of at most 16 KiB, idle keep-alive connections closed after 5 seconds. Production's missing or
    malformed keys are a `SettingsError` before any worker starts."""
    if database_url:
        os.environ["PROMPTSAAS_DATABASE_URL"] = database_url
    if bot:
        os.environ["PROMPTSAAS_TELEGRAM_SERVE_BOT"] = bot
    settings = Settings.from_env()
    check_production_secrets(settings)  # here, not in each worker, which uvicorn would respawn forever
    trusted = settings.operations.forwarded_allow_ips
    if forwarded_allow_ips is None and trusted:
        proxy_headers, forwarded_allow_ips = True, trusted
    temporary = share_metrics_between_workers(workers)
    try:
        uvicorn.run(
            "promptsaas.entrypoints.http.server:create",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            access_log=log_level in ACCESS_LOG_LEVELS,
            proxy_headers=proxy_headers,
            forwarded_allow_ips=forwarded_allow_ips,
            reload=reload,
            reload_dirs=[str(PACKAGE)] if reload else None,
            http=protocol(),
            limit_concurrency=max_connections,
            timeout_keep_alive=5,
            h11_max_incomplete_event_size=16 * 1024,
        )
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
