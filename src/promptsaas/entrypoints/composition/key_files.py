"""Where the development secrets live when `PROMPTSAAS_SECRET_KEY_FILE` / `PROMPTSAAS_ENCRYPTION_KEY_FILE` are unset.

They belong to the database, not to the working directory: a SQLite file keeps them in `.promptsaas/` beside it,
a PostgreSQL database in `$XDG_DATA_HOME/promptsaas/dev-keys/<host>-<port>-<database>/` (default
`~/.local/share/...`), and an in-memory database keeps them in memory only, since its data dies with the process.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

KEY_DIR = ".promptsaas"
SECRET_KEY = "secret_key"
ENCRYPTION_KEY = "encryption_key"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def key_file(configured: str | None, database_url: str, name: str) -> Path | None:
    """`None` (keep the key in memory) for an in-memory database, which keeps nothing, even when a file is
    configured; else the configured file if any, else `name` in the database's key directory."""
    directory = development_key_dir(database_url)
    if directory is None:
        return None
    return Path(configured).expanduser() if configured else directory / name


def development_key_dir(database_url: str, environ: Mapping[str, str] = os.environ) -> Path | None:
    scheme, _, rest = database_url.strip().partition("://")
    backend = scheme.partition("+")[0].lower()
    if backend == "sqlite":
        return _beside_sqlite_file(rest)
    if backend in ("postgresql", "postgres"):
        return _data_home(environ) / "promptsaas" / "dev-keys" / _postgres_name(database_url)
    return None


def _beside_sqlite_file(rest: str) -> Path | None:
    """`sqlite:///db.sqlite` is relative to the working directory, `sqlite:////srv/db.sqlite` absolute."""
    path = rest.partition("?")[0]
    path = path[1:] if path.startswith("/") else path
    if path in ("", ":memory:") or path.startswith("file::memory:"):
        return None
    return Path(unquote(path)).expanduser().absolute().parent / KEY_DIR


def _postgres_name(database_url: str) -> str:
    """`host-port-database`, readable and without the credentials."""
    parts = urlsplit(database_url.strip())
    database = unquote(parts.path.lstrip("/")) or "postgres"
    name = f"{parts.hostname or 'localhost'}-{parts.port or 5432}-{database}"
    return _UNSAFE.sub("_", name)


def _data_home(environ: Mapping[str, str]) -> Path:
    configured = environ.get("XDG_DATA_HOME", "").strip()
    return Path(configured) if configured else Path.home() / ".local" / "share"
