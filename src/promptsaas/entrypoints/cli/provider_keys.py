"""`promptsaas provider-key set | list | delete`: a user's own LLM provider keys (BYOK).

The key is read from stdin (`--key-stdin`) or a hidden prompt, never from the command line, where `ps` shows it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

if TYPE_CHECKING:
    from promptsaas.application.provider_keys import ProviderKeyInfo

app = Shell(help="Users' own LLM provider keys (BYOK), used once their plan's quota runs out.")
COLUMNS = ("provider", "last4", "created_at", "invalid")
Email = Annotated[str, typer.Option("--as", metavar="EMAIL", help="The user's email.", show_default=False)]
Provider = Annotated[str, typer.Argument(help="The provider (openai, anthropic, a configured endpoint).")]


@app.command("set")
def set_(
    ctx: typer.Context,
    tenant: Tenant,
    email: Email,
    provider: Provider,
    key_stdin: Annotated[
        bool, typer.Option("--key-stdin", help="Read the key from stdin (else a hidden prompt).")
    ] = False,
) -> None:
    """Store (or replace) the user's key for a provider; it is encrypted and never shown again."""
    s = session(ctx)
    api_key = sys.stdin.read().strip() if key_stdin else str(typer.prompt(f"{provider} API key", hide_input=True))
    stored = s.run(lambda p: p.tenant(tenant).set_provider_key(email, provider, api_key))
    s.out.done(f"stored {email}'s {stored.provider} key ending in {stored.last4}", row(stored))


@app.command("list")
def list_(ctx: typer.Context, tenant: Tenant, email: Email) -> None:
    """The user's keys: provider, last four characters, when stored, and whether the provider rejected it."""
    s = session(ctx)
    s.out.rows([row(k) for k in s.run(lambda p: p.tenant(tenant).provider_keys(email))], COLUMNS)


@app.command("delete")
def delete(ctx: typer.Context, tenant: Tenant, email: Email, provider: Provider) -> None:
    """Delete the user's key for a provider."""
    s = session(ctx)
    s.run(lambda p: p.tenant(tenant).delete_provider_key(email, provider))
    s.out.done(f"deleted {email}'s {provider} key", {"provider": provider, "deleted": True})


def row(key: ProviderKeyInfo) -> dict[str, object]:
    return {"provider": key.provider, "last4": key.last4, "created_at": key.created_at, "invalid": key.invalid}
