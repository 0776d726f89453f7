"""The one table from error codes to exit codes, and the (code, message) pair the CLI prints for each failure.

| exit | meaning                                                                                   |
|------|-------------------------------------------------------------------------------------------|
| 0    | success                                                                                   |
| 1    | an error named in one line: bad input, unknown name, a setup fault (database, migrations) |
| 2    | wrong usage: unknown option or command, missing argument, bad value                      |
| 3    | a chat denied by the policy (quota, plan, channel, suspended user)                        |
| 4    | `serve`: the address cannot be listened on (in use, not permitted)                        |
| 5    | `serve`: the server stopped because it failed (an app or worker that would not start)     |
"""

from __future__ import annotations

import sys

from promptsaas.domain.errors import AccessDenied, CatalogInvalid, DomainError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
"""typer's own code for wrong usage (unknown option, missing argument, bad value)."""
EXIT_DENIED = 3
EXIT_CANNOT_LISTEN = 4
EXIT_SERVER_FAILED = 5


USAGE_ERROR = "usage_error"
INVALID_SETTING = "invalid_setting"
DB_ERROR = "db_error"


def exit_code(error: DomainError) -> int:
    """Every policy denial exits 3; every other domain error (unknown tenant, agent, plan, bad file, ...) exits 1."""
    return EXIT_DENIED if isinstance(error, AccessDenied) else EXIT_ERROR


def problem(error: DomainError) -> tuple[str, str]:
    """The stable code and a one-line message naming what is wrong."""
    message = "; ".join(error.problems) if isinstance(error, CatalogInvalid) else error.message
    return error.code, one_line(message)


def describe_denial(denied: AccessDenied) -> str:
    """The reason code, the policy's message and when the exhausted limit resets."""
    resets = denied.decision.resets_at
    when = f" (resets at {resets:%Y-%m-%d %H:%M:%S} UTC)" if resets is not None else ""
    return f"denied: {denied.code}: {denied.message}{when}"


KEY_ERRORS = (
    ("promptsaas.adapters.security.signing_keys", "SigningKeyError"),
    ("promptsaas.adapters.security.cipher", "EncryptionKeyError"),
)


def setting_error(error: BaseException) -> tuple[str, str] | None:
    """A key the platform refused as it opened (production without `PROMPTSAAS_SECRET_KEY`, a malformed
    `PROMPTSAAS_ENCRYPTION_KEY`), in one line naming the variable; None for anything else. The key modules are only
    consulted when they were loaded."""
    for module_name, name in KEY_ERRORS:
        module = sys.modules.get(module_name)
        if module is not None and isinstance(error, getattr(module, name)):
            return INVALID_SETTING, one_line(str(error))
    return None


def database_error(error: BaseException) -> tuple[str, str] | None:
    """A database that failed in the middle of a command (locked, read-only, gone), in one line; None for anything
    else. SQLAlchemy and the drivers (the read path's `sqlite3`, psycopg) are only consulted when they were loaded,
    so commands that never touched them import nothing."""
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_exc is not None and isinstance(error, sqlalchemy_exc.SQLAlchemyError):
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()
        return DB_ERROR, f"cannot use the database: {detail[0] if detail else type(error).__name__}"
    drivers = (sys.modules.get(name) for name in ("sqlite3", "psycopg"))
    if isinstance(error, OSError) or any(d is not None and isinstance(error, d.Error) for d in drivers):
        return DB_ERROR, f"cannot use the database: {one_line(str(error)) or type(error).__name__}"
    return None


def one_line(text: str) -> str:
    return " ".join(text.split())
