"""`promptsaas user create | list`."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

if TYPE_CHECKING:
    from promptsaas.domain.users import User

app = Shell(help="Users of a tenant.")
COLUMNS = ("email", "display_name", "role", "status", "id", "created_at")


class RoleChoice(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"


@app.command("create")
def create(
    ctx: typer.Context,
    tenant: Tenant,
    email: Annotated[str, typer.Argument(help="The user's email (unique in the tenant).", show_default=False)],
    role: Annotated[RoleChoice, typer.Option(help="The user's role.")] = RoleChoice.MEMBER,
    name: Annotated[
        str, typer.Option(metavar="NAME", help="Display name (default: from the email).", show_default=False)
    ] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a password from stdin (else the user has none).")
    ] = False,
) -> None:
    """Create a user, with a password read from stdin or without one (messenger-only or invited users)."""
    s = session(ctx)
    password = sys.stdin.read().rstrip("\r\n") if password_stdin else None
    user = s.run(lambda p: p.tenant(tenant).create_user(email, password, role=role.value, display_name=name))
    how = "with a password" if password is not None else "without a password"
    s.out.done(f"created {user.role.value} {user.email} in {tenant} {how}", row(user))


@app.command("list")
def list_(ctx: typer.Context, tenant: Tenant) -> None:
    """Every user of the tenant."""
    s = session(ctx)
    s.out.rows([row(u) for u in s.run(lambda p: p.tenant(tenant).users())], COLUMNS)


def row(user: User) -> dict[str, object]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role.value,
        "status": user.status.value,
        "id": user.id,
        "created_at": user.created_at,
    }
