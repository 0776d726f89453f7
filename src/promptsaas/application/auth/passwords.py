"""What a password must be: 8 to 1024 characters (length is what resists guessing; no composition rules)."""

from __future__ import annotations

from promptsaas.domain.errors import InvalidInput

MIN_PASSWORD = 8
MAX_PASSWORD = 1024


def check_password_strength(password: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(
            f"password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters",
            field="password",
            code="weak_password",
        )
