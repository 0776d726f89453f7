"""`promptsaas user create | list | set-role | set-status | invite | sign-out-everywhere`."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

if TYPE_CHECKING:
    from promptsaas.domain.users import User

T = TypeVar("T")
app = Shell(help="Users of a tenant.")
COLUMNS = ("email", "display_name", "role", "status", "id", "created_at")


class RoleChoice(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"


class StatusChoice(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


Email = Annotated[str, typer.Argument(help="The user's email.", show_default=False)]


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


@app.command("set-role")
def set_role(ctx: typer.Context, tenant: Tenant, email: Email, role: RoleChoice) -> None:
    """Make a user a member or an admin (audited); the tenant's last active admin cannot be demoted."""
    s = session(ctx)
    user = s.run(lambda p: _accounts(p, tenant, lambda a: a.set_role(email, role.value)))
    s.out.done(f"{user.email} is now {user.role.value} in {tenant}", row(user))


@app.command("set-status")
def set_status(ctx: typer.Context, tenant: Tenant, email: Email, status: StatusChoice) -> None:
    """Disable a user (no more sign-in, token or call) or make them active again; not the last active admin."""
    s = session(ctx)
    user = s.run(lambda p: _accounts(p, tenant, lambda a: a.set_status(email, status.value)))
    s.out.done(f"{user.email} is now {user.status.value} in {tenant}", row(user))


@app.command("invite")
def invite(
    ctx: typer.Context,
    tenant: Tenant,
    email: Email,
    role: Annotated[RoleChoice, typer.Option(help="The role the account gets.")] = RoleChoice.MEMBER,
) -> None:
    """Mail an invite to sign up (valid seven days) and print its link, to hand over when mail is not set up."""
    s = session(ctx)
    link = s.run(lambda p: _accounts(p, tenant, lambda a: a.invite(email, role.value)))
    s.out.done(f"invited {email} to {tenant} as {role.value}: {link}", {"email": email, "link": link})


@app.command("sign-out-everywhere")
def sign_out_everywhere(ctx: typer.Context, tenant: Tenant, email: Email) -> None:
    """End every session of a user: refresh tokens revoked, access tokens refused (API keys stay)."""
    s = session(ctx)
    s.run(lambda p: _accounts(p, tenant, lambda a: a.sign_out_everywhere(email)))
    s.out.done(f"signed {email} out of every session in {tenant}", {"email": email})


async def _accounts(platform: Any, tenant: str, act: Callable[[Any], Awaitable[T]]) -> T:
    return await act(await platform.tenant(tenant).accounts())


def row(user: User) -> dict[str, object]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role.value,
        "status": user.status.value,
        "id": user.id,
        "created_at": user.created_at,
    }
