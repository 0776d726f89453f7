"""`promptsaas serve`: the HTTP API under a production ASGI server (uvicorn).

Before uvicorn starts, production's secrets are checked and the database is opened once (a missing or weak key, or
a setup fault, is one line, exit 1) and the address is tried (in use or not permitted: exit 4); a server that stops
because it failed exits 5, never uvicorn's own 3, which would read as "chat denied".
"""

from __future__ import annotations

import errno
import socket
from enum import StrEnum
from typing import Annotated

import typer

from promptsaas.entrypoints.cli import errors
from promptsaas.entrypoints.cli.session import Session, session


class LogLevel(StrEnum):
    CRITICAL = "critical"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    DEBUG = "debug"
    TRACE = "trace"


def command(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(metavar="HOST", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="TCP port.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(metavar="N", help="Worker processes.", min=1, max=64)] = 1,
    log_level: Annotated[
        LogLevel,
        typer.Option(
            "--log-level", help="uvicorn's own log level (start-up, errors); access lines follow PROMPTSAAS_LOG_LEVEL."
        ),
    ] = LogLevel.WARNING,
    reload: Annotated[
        bool, typer.Option("--reload", help="Restart when the package's code changes (development).")
    ] = False,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--proxy-headers/--no-proxy-headers",
            help="Trust X-Forwarded-For and X-Forwarded-Proto from --forwarded-allow-ips (behind a reverse proxy).",
        ),
    ] = False,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            metavar="IPS",
            help="Comma-separated proxy addresses (or '*') whose forwarded headers are trusted (default: 127.0.0.1).",
            show_default=False,
        ),
    ] = None,
    max_connections: Annotated[
        int,
        typer.Option(
            "--max-connections", metavar="N", help="Connections per worker at once; more are answered 503.", min=1
        ),
    ] = 1000,
    bot: Annotated[
        str | None,
        typer.Option(
            "--bot",
            metavar="TENANT",
            help="Also run TENANT's Telegram bot by long polling, when a token is set and no webhook is configured.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the API (docs at /schema). A new SQLite file is migrated; PostgreSQL needs `promptsaas db upgrade`."""
    if reload and workers > 1:
        raise typer.BadParameter("--reload runs one process; leave --workers at 1", param_hint="--workers")
    if bot and workers > 1:
        raise typer.BadParameter("one process polls a bot; run `promptsaas bot` beside the workers", param_hint="--bot")
    s = session(ctx)
    refuse_unusable_secrets(s)
    s.prepare()
    refused = unavailable_address(host, port)
    if refused:
        s.fail("cannot_listen", f"cannot listen on {host}:{port}: {refused}", exit_code=errors.EXIT_CANNOT_LISTEN)
    s.out.text(f"serving http://{host}:{port}  (docs: http://{host}:{port}/schema)")
    run_server(
        s,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level.value,
        reload=reload,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        max_connections=max_connections,
        bot=bot,
    )


def refuse_unusable_secrets(s: Session) -> None:
    """Production's keys, which every worker loads as it starts, checked here first: a worker that cannot start is
    a traceback after "serving", and uvicorn respawns it forever when there are several. One line and exit 1."""
    from promptsaas.entrypoints.composition.settings import Settings, check_production_secrets

    try:
        check_production_secrets(Settings.from_env(database_url=s.database_url))
    except ValueError as error:
        s.fail(errors.INVALID_SETTING, errors.one_line(str(error)))


def unavailable_address(host: str, port: int) -> str | None:
    """Why uvicorn could not bind `host:port` (as it binds: SO_REUSEADDR, IPv6 when the host has a colon)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except socket.gaierror as error:
            return f"unknown host ({error.strerror})"
        except OSError as error:
            return "the address is already in use" if error.errno == errno.EADDRINUSE else error.strerror
    return None


def run_server(s: Session, **options: object) -> None:
    """uvicorn with `options` (see `http.server.serve`); a failed stop becomes one line and exit 5."""
    from promptsaas.entrypoints.http.server import serve

    try:
        serve(database_url=s.database_url, **options)  # type: ignore[arg-type]
    except SystemExit as stopped:
        if stopped.code not in (None, 0):
            message = f"the server stopped (uvicorn exit {stopped.code}); see its log above"
            s.fail("server_failed", message, exit_code=errors.EXIT_SERVER_FAILED)
