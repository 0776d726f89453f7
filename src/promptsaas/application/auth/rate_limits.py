"""How many attempts anonymous callers get: a setting of the deployment, read before any service is built."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AuthRateLimits:
    """Attempts allowed per window: failed logins per client IP, per email and IP, and per email from any IP;
    sign-ups and reset requests per client IP and per email address within a tenant."""

    login_per_ip: int = 30
    login_per_email: int = 10
    register_per_ip: int = 10
    register_per_email: int = 5
    window_seconds: int = 900
    login_per_email_any_ip: int = 100
    known_ip_days: int = 30
