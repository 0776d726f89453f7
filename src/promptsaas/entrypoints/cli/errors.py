"""The one table from promptsaas.domain error codes to exit codes, and the one-line messages the CLI prints for them."""

from __future__ import annotations

from promptsaas.domain.decisions import Reason
from promptsaas.domain.errors import AccessDenied, CatalogInvalid, DomainError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
"""typer's own code for wrong usage (unknown option, missing argument, bad value)."""
EXIT_DENIED = 3

EXIT_CODES: dict[str, int] = {reason.value: EXIT_DENIED for reason in Reason if reason is not Reason.OK}
"""Every policy denial exits 3; every other domain error (unknown tenant, agent, plan, bad file, ...) exits 1."""


def exit_code(error: DomainError) -> int:
    return EXIT_CODES.get(error.code, EXIT_ERROR) if isinstance(error, AccessDenied) else EXIT_ERROR


def describe(error: DomainError) -> str:
    """One line naming what is wrong, prefixed by the stable code."""
    message = "; ".join(error.problems) if isinstance(error, CatalogInvalid) else error.message
    return f"{error.code}: " + " ".join(message.split())


def describe_denial(denied: AccessDenied) -> str:
    """The reason code, the policy's message and when the exhausted limit resets."""
    resets = denied.decision.resets_at
    when = f" (resets at {resets:%Y-%m-%d %H:%M:%S} UTC)" if resets is not None else ""
    return f"denied: {denied.code}: {denied.message}{when}"


def describe_database_error(error: Exception) -> str:
    """A database that cannot be reached or used, in one line (the driver's first line of detail)."""
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"db_error: cannot use the database: {detail[0] if detail else type(error).__name__}"
