"""Typed reads of environment variables: each malformed value is a `SettingsError` naming the variable and what it
expected. An unset or empty variable means its default."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit


class SettingsError(ValueError):
    """A malformed setting: a startup error, one line naming the variable (or the file and line) at fault."""


class Variables:
    """A view of an environment mapping that parses values and names the variable when one is wrong."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def optional(self, name: str) -> str | None:
        """The value without surrounding blanks, or `None` when unset or empty."""
        value = self.env.get(name)
        return value.strip() if value is not None and value.strip() else None

    def text(self, name: str, default: str) -> str:
        return self.optional(name) or default

    def integer(self, name: str, default: int, *, minimum: int = 1) -> int:
        """A whole number of at least `minimum` (1 unless told)."""
        value = self.optional(name)
        if value is None:
            return default
        digits = value[1:] if value[:1] in "+-" else value
        if not (digits.isascii() and digits.isdigit()) or int(value) < minimum:
            raise SettingsError(f"{name} must be a whole number {_at_least(minimum)}, got {value!r}")
        return int(value)

    def number(self, name: str, default: float, *, positive: bool = False) -> float:
        """A finite decimal number, above 0 when `positive`, else at least 0."""
        value = self.optional(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or number < 0 or (positive and number == 0):
            bound = "above 0" if positive else "of at least 0"
            raise SettingsError(f"{name} must be a number {bound} (seconds may be decimal: 0.5), got {value!r}")
        return number

    def choice(self, name: str, default: str, allowed: Sequence[str]) -> str:
        value = self.optional(name)
        if value is None:
            return default
        if value not in allowed:
            raise SettingsError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
        return value

    def items(self, name: str) -> tuple[str, ...]:
        """A comma-separated list; blank items are dropped."""
        return tuple(item.strip() for item in (self.optional(name) or "").split(",") if item.strip())

    def url(self, name: str, default: str) -> str:
        """An absolute http(s) URL with a host."""
        value = self.optional(name)
        if value is None:
            return default
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError(f"{name} must be an http(s) URL such as https://example.com/keys, got {value!r}")
        return value

    def readable_file(self, name: str) -> str | None:
        """A path to a file this process can read, or `None` when unset."""
        path = self.optional(name)
        if path is not None and not os.access(path, os.R_OK):
            raise SettingsError(f"{name}: cannot read {path!r}")
        return path

    def database_url(self, name: str, default: str) -> str:
        """`memory://`, `sqlite:///file.db` or `postgresql://user:password@host/database`; never echoes a password."""
        value = self.optional(name)
        if value is None:
            return default
        scheme, separator, _ = value.partition("://")
        if not separator or scheme.partition("+")[0].lower() not in ("memory", "sqlite", "postgresql", "postgres"):
            raise SettingsError(
                f"{name} must be memory://, sqlite:///path/to/file.db or postgresql://user:password@host/database, "
                f"got a value starting {scheme[:20]!r}"
            )
        return value


def _at_least(minimum: int) -> str:
    return "above 0" if minimum == 1 else f"of at least {minimum}"
