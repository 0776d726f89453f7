"""The largest values the platform stores: each fits its column and leaves a run arithmetic that cannot overflow.

Every shell's schema (HTTP, catalog document) refuses a value past these, and the services check them again where
a plan, an agent, a version or a user is created or changed, so nothing is stored that a run cannot use.
"""

from __future__ import annotations

from datetime import UTC, datetime

from promptsaas.domain.errors import InvalidInput

MAX_COUNT = 2**63 - 1
"""A limit's amount, a price in minor units: a signed 64-bit column."""
MAX_USD_PER_MTOK = 100_000
"""A model price in USD per million tokens (today's dearest models are below 1,000)."""
MAX_CONTEXT_WINDOW = 100_000_000
"""Tokens a model reads at most."""
MAX_DAYS = 36_500
"""Retention, trial, grant and subscription days: a hundred years, so a date plus them stays a date."""
MAX_PRIORITY = 1_000_000
"""A plan's priority, either sign: a 32-bit column."""
MAX_VERSION = 2**31 - 1
"""A prompt version's number: a 32-bit column."""
MAX_NAME = 120
"""A user's, an agent's or a plan's display name: what a page header or a table cell can show."""
MAX_NOTE = 2_000
"""A prompt version's note: a sentence or a short paragraph on why it exists."""


def within(value: int | None, field: str, maximum: int, minimum: int = 0) -> int | None:
    """`value` (or `None`) when it lies in [minimum, maximum]; else an error naming `field` and the bounds."""
    if value is not None and not minimum <= value <= maximum:
        raise InvalidInput(f"{field} must be between {minimum:,} and {maximum:,}", field=field)
    return value


def named(value: str, field: str = "name") -> str:
    """A display name someone typed: not blank, at most `MAX_NAME` characters."""
    if not value.strip():
        raise InvalidInput(f"{field} must not be blank", field=field)
    return short_text(value, field, MAX_NAME)


def short_text(value: str, field: str, maximum: int) -> str:
    """`value` when it has at most `maximum` characters; else an error naming `field`."""
    if len(value) > maximum:
        raise InvalidInput(f"{field} must be at most {maximum:,} characters (got {len(value):,})", field=field)
    return value


def period(since: datetime | None, until: datetime | None) -> tuple[datetime | None, datetime | None]:
    """A report's range, refused when it ends before it starts (it would quietly be empty). A time without a zone is
    UTC, as the reports read it."""
    if since is not None and until is not None and _utc(until) < _utc(since):
        raise InvalidInput(f"until ({until:%Y-%m-%d %H:%M}) is before since ({since:%Y-%m-%d %H:%M})", field="until")
    return since, until


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
