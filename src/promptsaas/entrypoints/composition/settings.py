"""Settings from `PROMPTSAAS_*` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from promptsaas.adapters.security.cipher import DEV_KEY_FILE as DEV_ENCRYPTION_KEY_FILE
from promptsaas.adapters.security.oauth import APPLE_JWKS_URL, GOOGLE_JWKS_URL
from promptsaas.adapters.security.passwords import OWASP_MEMORY_KIB, OWASP_TIME_COST
from promptsaas.adapters.security.signing_keys import DEV_KEY_FILE
from promptsaas.application.auth.service import AuthRateLimits
from promptsaas.entrypoints.composition.llm import LlmEndpoint, parse_endpoints, parse_transport


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///./promptsaas.db"
    production: bool = False
    password_memory_kib: int = OWASP_MEMORY_KIB
    password_time_cost: int = OWASP_TIME_COST
    """argon2id cost; lower it only for tests (`PROMPTSAAS_PASSWORD_MEMORY_KIB`, `PROMPTSAAS_PASSWORD_TIME_COST`)."""
    reservation_ttl_seconds: int = 600
    cache_ttl_seconds: float = 2.0
    """How long this process trusts its copy of agents, plans and users changed by another process."""
    max_body_bytes: int = 1024 * 1024
    secret_key: str | None = field(default=None, repr=False)
    """Signs access tokens (`kid:secret` or `secret`); required in production, generated in development."""
    secret_keys_old: tuple[str, ...] = field(default=(), repr=False)
    """Previous keys that still verify until removed from here."""
    secret_key_file: str = str(DEV_KEY_FILE)
    encryption_key: str | None = field(default=None, repr=False)
    """Seals users' provider keys: `id:base64key,...`, newest first; required in production (see `load_cipher`)."""
    encryption_key_file: str = str(DEV_ENCRYPTION_KEY_FILE)
    token_issuer: str = "promptsaas"
    token_audience: str = "promptsaas-api"
    access_token_ttl_seconds: int = 15 * 60
    """`PROMPTSAAS_ACCESS_TOKEN_MINUTES` (default 15)."""
    refresh_token_ttl_days: int = 30
    """`PROMPTSAAS_REFRESH_TOKEN_DAYS` (default 30)."""
    google_client_ids: tuple[str, ...] = ()
    apple_client_ids: tuple[str, ...] = ()
    google_jwks_url: str = GOOGLE_JWKS_URL
    apple_jwks_url: str = APPLE_JWKS_URL
    auth_rate_limits: AuthRateLimits = field(default_factory=AuthRateLimits)
    llm_timeout_seconds: float = 60.0
    """A model call's deadline, retries included."""
    llm_max_retries: int = 2
    """Retries after a connection error, a 429 or a 5xx (with exponential backoff and jitter)."""
    llm_backoff_seconds: float = 0.5
    llm_transport: str = "aiohttp"
    """The SDKs' HTTP transport: `aiohttp` (measured faster, see README) or `httpx` (the SDKs' default)."""
    llm_endpoints: tuple[LlmEndpoint, ...] = ()
    """Named OpenAI-compatible servers: `PROMPTSAAS_LLM_ENDPOINTS=name=base_url|KEY_VAR,...`."""
    attachment_max_bytes: int = 5 * 1024 * 1024
    attachments_per_message: int = 4

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if env is None else env
        base = cls(
            database_url=env.get("PROMPTSAAS_DATABASE_URL", cls.database_url),
            production=env.get("PROMPTSAAS_ENV", "development") == "production",
            password_memory_kib=int(env.get("PROMPTSAAS_PASSWORD_MEMORY_KIB", str(OWASP_MEMORY_KIB))),
            password_time_cost=int(env.get("PROMPTSAAS_PASSWORD_TIME_COST", str(OWASP_TIME_COST))),
            reservation_ttl_seconds=int(env.get("PROMPTSAAS_RESERVATION_TTL_SECONDS", "600")),
            cache_ttl_seconds=float(env.get("PROMPTSAAS_CACHE_TTL_SECONDS", "2")),
            max_body_bytes=int(env.get("PROMPTSAAS_MAX_BODY_BYTES", str(1024 * 1024))),
            secret_key=env.get("PROMPTSAAS_SECRET_KEY") or None,
            secret_keys_old=_list(env.get("PROMPTSAAS_SECRET_KEYS_OLD")),
            secret_key_file=env.get("PROMPTSAAS_SECRET_KEY_FILE", str(DEV_KEY_FILE)),
            encryption_key=env.get("PROMPTSAAS_ENCRYPTION_KEY") or None,
            encryption_key_file=env.get("PROMPTSAAS_ENCRYPTION_KEY_FILE", str(DEV_ENCRYPTION_KEY_FILE)),
            token_issuer=env.get("PROMPTSAAS_TOKEN_ISSUER", cls.token_issuer),
            token_audience=env.get("PROMPTSAAS_TOKEN_AUDIENCE", cls.token_audience),
            access_token_ttl_seconds=60 * _positive(env, "PROMPTSAAS_ACCESS_TOKEN_MINUTES", 15),
            refresh_token_ttl_days=_positive(env, "PROMPTSAAS_REFRESH_TOKEN_DAYS", 30),
            google_client_ids=_list(env.get("PROMPTSAAS_GOOGLE_CLIENT_IDS")),
            apple_client_ids=_list(env.get("PROMPTSAAS_APPLE_CLIENT_IDS")),
            google_jwks_url=env.get("PROMPTSAAS_GOOGLE_JWKS_URL", GOOGLE_JWKS_URL),
            apple_jwks_url=env.get("PROMPTSAAS_APPLE_JWKS_URL", APPLE_JWKS_URL),
            auth_rate_limits=_auth_rate_limits(env),
            llm_timeout_seconds=float(env.get("PROMPTSAAS_LLM_TIMEOUT_SECONDS", "60")),
            llm_max_retries=int(env.get("PROMPTSAAS_LLM_MAX_RETRIES", "2")),
            llm_backoff_seconds=float(env.get("PROMPTSAAS_LLM_BACKOFF_SECONDS", "0.5")),
            llm_transport=parse_transport(env.get("PROMPTSAAS_LLM_TRANSPORT", cls.llm_transport)),
            llm_endpoints=parse_endpoints(env.get("PROMPTSAAS_LLM_ENDPOINTS", ""), env),
            attachment_max_bytes=int(env.get("PROMPTSAAS_ATTACHMENT_MAX_BYTES", str(5 * 1024 * 1024))),
            attachments_per_message=int(env.get("PROMPTSAAS_ATTACHMENTS_PER_MESSAGE", "4")),
        )
        return replace(base, **overrides)  # type: ignore[arg-type]


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number above zero, or a startup error naming the variable."""
    value = env.get(name, "").strip() or str(default)
    if not (value.isascii() and value.isdigit()) or int(value) <= 0:
        raise ValueError(f"{name} must be a whole number above 0, got {value!r}")
    return int(value)


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (value or "").split(",") if item.strip())


def _auth_rate_limits(env: Mapping[str, str]) -> AuthRateLimits:
    """`PROMPTSAAS_LOGIN_LIMIT_PER_IP`, `..._PER_EMAIL`, `PROMPTSAAS_REGISTER_LIMIT_PER_IP`, `..._PER_EMAIL`, per
    `PROMPTSAAS_AUTH_LIMIT_WINDOW_SECONDS`."""
    default = AuthRateLimits()
    return AuthRateLimits(
        login_per_ip=int(env.get("PROMPTSAAS_LOGIN_LIMIT_PER_IP", default.login_per_ip)),
        login_per_email=int(env.get("PROMPTSAAS_LOGIN_LIMIT_PER_EMAIL", default.login_per_email)),
        register_per_ip=int(env.get("PROMPTSAAS_REGISTER_LIMIT_PER_IP", default.register_per_ip)),
        register_per_email=int(env.get("PROMPTSAAS_REGISTER_LIMIT_PER_EMAIL", default.register_per_email)),
        window_seconds=int(env.get("PROMPTSAAS_AUTH_LIMIT_WINDOW_SECONDS", default.window_seconds)),
    )
