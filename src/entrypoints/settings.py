"""Settings from `PROMPTSAAS_*` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from adapters.security.passwords import OWASP_MEMORY_KIB, OWASP_TIME_COST


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///./promptsaas.db"
    production: bool = False
    password_memory_kib: int = OWASP_MEMORY_KIB
    password_time_cost: int = OWASP_TIME_COST
    reservation_ttl_seconds: int = 600

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        base = cls(
            database_url=env.get("PROMPTSAAS_DATABASE_URL", cls.database_url),
            production=env.get("PROMPTSAAS_ENV", "development") == "production",
            reservation_ttl_seconds=int(env.get("PROMPTSAAS_RESERVATION_TTL_SECONDS", "600")),
        )
        return replace(base, **overrides)  # type: ignore[arg-type]
