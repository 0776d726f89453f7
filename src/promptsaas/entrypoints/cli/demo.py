"""`promptsaas demo`: the demo tenant, its catalog and two users; running it again changes nothing.

An API key's secret is shown once, so the demo keeps the member's key in `demo_api_key` (mode 0600) beside the
database's development secrets (`.promptsaas/` next to a SQLite file) and reuses it while the database still
accepts it; `memory://` keeps nothing, so there every run mints a key. The printed hints are commands that work
as printed in the shell that ran the demo (see `invocation`).
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from promptsaas.domain.errors import InvalidToken, NotFound
from promptsaas.entrypoints.cli.session import Session, session
from promptsaas.entrypoints.cli.shell import DATABASE_URL

if TYPE_CHECKING:
    from promptsaas.entrypoints.library import AsyncPlatform, AsyncTenant

TENANT = "demo"
KEY_NAME = "demo"
KEY_FILE = "demo_api_key"


def demo_catalog() -> Path:
    """The demo catalog, shipped inside the package."""
    from importlib.resources import files

    return Path(str(files("promptsaas") / "catalogs" / "demo.yaml"))


def __getattr__(name: str) -> Path:
    if name == "CATALOG":  # `demo.CATALOG`, resolved on first use so importing the CLI stays cheap
        return demo_catalog()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class DemoUser:
    email: str
    password: str
    role: str


USERS = (
    DemoUser("admin@demo.example", "demo-admin-password", "admin"),
    DemoUser("member@demo.example", "demo-member-password", "member"),
)
"""Fixed, documented demo credentials: for a local try-out only, never for a deployment anyone else can reach."""
MEMBER = USERS[1]


@dataclass(frozen=True, slots=True)
class Outcome:
    created: bool
    changes: list[str]
    added: list[str]
    key: str
    key_reused: bool


def command(ctx: typer.Context) -> None:
    """Create (or complete) the demo: tenant "demo", its catalog, an admin and a member with an API key."""
    s = session(ctx)
    catalog = demo_catalog()
    key_file = demo_key_file(s.database_url)

    async def action(platform: AsyncPlatform) -> Outcome:
        created = TENANT not in {t.slug for t in await platform.tenants()}
        demo = await platform.create_tenant(TENANT, name="Demo") if created else platform.tenant(TENANT)
        changes = (await demo.apply_catalog(catalog)).changes
        existing = {u.email for u in await demo.users()}
        added = []
        for user in USERS:
            if user.email not in existing:
                await demo.create_user(user.email, user.password, role=user.role)
                added.append(user.email)
        kept = await still_valid(platform, demo, read_key(key_file))
        key = kept or await demo.create_api_key(MEMBER.email, KEY_NAME)
        return Outcome(created, changes, added, key, key_reused=kept is not None)

    outcome = s.run(action)
    if key_file is not None and not outcome.key_reused:
        write_key(key_file, outcome.key)
    show(s, ctx, outcome, key_file)


def show(s: Session, ctx: typer.Context, outcome: Outcome, key_file: Path | None) -> None:
    users = [{"email": u.email, "password": u.password, "role": u.role} for u in USERS]
    chat = [*invocation(), *database_option(ctx), "chat", "--tenant", TENANT, "--as", MEMBER.email, "tutor"]
    hint = shlex.join([*chat, "What is 2+2?"])
    if s.out.json:
        s.out.dump(
            {
                "tenant": TENANT,
                "created": outcome.created,
                "catalog_changes": outcome.changes,
                "users": users,
                "api_key": outcome.key,
                "api_key_reused": outcome.key_reused,
                "api_key_file": str(key_file) if key_file else None,
                "try": hint,
            }
        )
        return
    state = "created" if outcome.created or outcome.changes or outcome.added else "already set up"
    changes = f"{len(outcome.changes)} catalog change(s), {len(outcome.added)} new user(s)"
    s.out.text(f'demo tenant "{TENANT}" {state} ({changes})')
    s.out.rows(users, ("role", "email", "password"))
    if outcome.key_reused:
        s.out.text(f"API key of {MEMBER.email} (kept in {key_file}): {outcome.key}")
    else:
        kept = f"; kept in {key_file} for the next run" if key_file else ""
        s.out.text(f"API key of {MEMBER.email} (new{kept}): {outcome.key}")
    s.out.text(f"try: {hint}")


async def still_valid(platform: AsyncPlatform, demo: AsyncTenant, key: str | None) -> str | None:
    """The kept key, if this database still accepts it for the demo member (not revoked, not another database's)."""
    if key is None:
        return None
    try:
        user = await platform.container.api_keys().authenticate_api_key(key)
    except (InvalidToken, NotFound):
        return None
    return key if user.email == MEMBER.email and user.tenant_id == await demo.id() else None


def demo_key_file(database_url: str) -> Path | None:
    """Beside the database's development secrets (see `composition.key_files`); none for in-memory databases."""
    from promptsaas.entrypoints.composition.key_files import development_key_dir

    directory = development_key_dir(database_url)
    return None if directory is None else directory / KEY_FILE


def read_key(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def write_key(path: Path, key: str) -> None:
    """Owner-only (0600) from its creation, so the secret is never readable by others even briefly."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(key + "\n")
        path.chmod(0o600)
    except OSError as error:
        typer.echo(f"warning: cannot keep the demo API key in {path}: {error.strerror}", err=True)


def invocation() -> list[str]:
    """How the shell that ran this command runs `promptsaas` again.

    Plain `promptsaas` when that shell finds this very script on its PATH; under `uv run` (as `make run` does) the
    venv's bin is on this process's PATH only, so then the script's path (relative when below the current directory).
    """
    script = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    if script is None or script.suffix == ".py" or not script.exists():
        script = Path(sys.executable).with_name("promptsaas")
    found = shutil.which("promptsaas")
    if found and "UV_RUN_RECURSION_DEPTH" not in os.environ and Path(found).resolve() == script:
        return ["promptsaas"]
    if not script.exists():
        return [sys.executable, "-m", "promptsaas.entrypoints.cli.main"]
    try:
        return [os.path.join(".", script.relative_to(Path.cwd()))]
    except ValueError:
        return [str(script)]


def database_option(ctx: typer.Context) -> list[str]:
    """`--database-url URL` when it was given on the command line (the environment variable carries over itself)."""
    url = ctx.meta.get(DATABASE_URL)
    return ["--database-url", url] if url else []
