"""`promptsaas keys rotate | generate`: the encryption keys (`PROMPTSAAS_ENCRYPTION_KEY`) sealing stored secrets."""

from __future__ import annotations

from typing import Annotated

import typer

from promptsaas.entrypoints.cli.session import session
from promptsaas.entrypoints.cli.shell import Shell

app = Shell(help="Encryption keys for secrets at rest (users' provider keys).")


@app.command("rotate")
def rotate(ctx: typer.Context) -> None:
    """Re-encrypt every stored provider key with the newest (first) PROMPTSAAS_ENCRYPTION_KEY entry."""
    s = session(ctx)
    result = s.run(lambda p: p.rotate_encryption_keys())
    record = {"key_id": result.key_id, "rotated": result.rotated, "unreadable": result.unreadable}
    message = f"re-encrypted {result.rotated} provider key(s) with encryption key {result.key_id}"
    if result.unreadable:
        message += f"; {result.unreadable} could not be decrypted with any configured key (left as they are)"
    s.out.done(message, record)


@app.command("generate")
def generate(
    key_id: Annotated[
        str | None, typer.Option("--id", metavar="ID", help="The new key's id (default: a random one).")
    ] = None,
) -> None:
    """Print a new `id:base64key` entry: put it first in PROMPTSAAS_ENCRYPTION_KEY, then run `keys rotate`."""
    from promptsaas.adapters.security.cipher import EncryptionKeyError, new_key_entry

    try:
        typer.echo(new_key_entry(key_id))
    except EncryptionKeyError as error:
        raise typer.BadParameter(str(error), param_hint="--id") from None
