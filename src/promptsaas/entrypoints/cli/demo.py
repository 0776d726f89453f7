"""`promptsaas demo`: the demo tenant, its catalog and two users; running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import typer

from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.library import AsyncPlatform

CATALOG = Path(str(files("promptsaas") / "catalogs" / "demo.yaml"))
"""The demo catalog, shipped inside the package."""
TENANT = "demo"


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


def command(ctx: typer.Context) -> None:
    """Create (or complete) the demo: tenant "demo", its catalog, an admin and a member."""
    s = session(ctx)

    async def action(platform: AsyncPlatform) -> tuple[bool, list[str], list[str], str]:
        created = TENANT not in {t.slug for t in await platform.tenants()}
        demo = await platform.create_tenant(TENANT, name="Demo") if created else platform.tenant(TENANT)
        changes = (await demo.apply_catalog(CATALOG)).changes
        existing = {u.email for u in await demo.users()}
        added = []
        for user in USERS:
            if user.email not in existing:
                await demo.create_user(user.email, user.password, role=user.role)
                added.append(user.email)
        key = await demo.create_api_key(USERS[1].email, "demo")
        return created, changes, added, key

    created, changes, added, key = s.run(action)
    users = [{"email": u.email, "password": u.password, "role": u.role} for u in USERS]
    if s.out.json:
        s.out.dump({"tenant": TENANT, "created": created, "catalog_changes": changes, "users": users, "api_key": key})
        return
    state = "created" if created or changes or added else "already set up"
    s.out.text(f'demo tenant "{TENANT}" {state} ({len(changes)} catalog change(s), {len(added)} new user(s))')
    s.out.rows(users, ("role", "email", "password"))
    s.out.text(f"API key of {USERS[1].email} (shown once): {key}")
    s.out.text(f"try: promptsaas chat --tenant {TENANT} --as {USERS[1].email} tutor 'What is 2+2?'")
