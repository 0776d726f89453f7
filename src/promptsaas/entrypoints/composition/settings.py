"""Settings from `PROMPTSAAS_*` environment variables, and from a `.env` file in the working directory.

A variable set in the real environment wins over the same name in `.env`; an empty value means the default. Every
malformed value is a `SettingsError` (a `ValueError`) naming the variable and what it expected.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from promptsaas.adapters.security.defaults import APPLE_JWKS_URL, GOOGLE_JWKS_URL, OWASP_MEMORY_KIB, OWASP_TIME_COST
from promptsaas.application.auth.service import AuthRateLimits
from promptsaas.entrypoints.composition.env_file import load_env_file
from promptsaas.entrypoints.composition.llm import TRANSPORTS, LlmEndpoint, parse_endpoints, parse_transport
from promptsaas.entrypoints.composition.operations import OperationsSettings
from promptsaas.entrypoints.composition.variables import SettingsError, Variables

__all__ = ["ENVIRONMENTS", "Settings", "SettingsError"]

ENVIRONMENTS = ("development", "production")
"""`PROMPTSAAS_ENV`: production requires the real secrets; development generates missing ones beside the database."""


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
    secret_key_file: str | None = None
    """The development signing key's file; `None`: `.promptsaas/secret_key` beside the database (see `key_files`)."""
    encryption_key: str | None = field(default=None, repr=False)
    """Seals users' provider keys: `id:base64key,...`, newest first; required in production (see `load_cipher`)."""
    encryption_key_file: str | None = None
    """The development encryption key's file; `None`: `.promptsaas/encryption_key` beside the database."""
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
    operations: OperationsSettings = field(default_factory=OperationsSettings)
    """Logs, metrics access, proxies, CORS, background jobs and traces (see `operations.py`)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from `env`, else from the process environment completed by `./.env`; `overrides` win."""
        if env is None:
            load_env_file()
            env = os.environ
        v = Variables(env)
        base = cls(
            database_url=v.database_url("PROMPTSAAS_DATABASE_URL", cls.database_url),
            production=v.choice("PROMPTSAAS_ENV", "development", ENVIRONMENTS) == "production",
            password_memory_kib=v.integer("PROMPTSAAS_PASSWORD_MEMORY_KIB", OWASP_MEMORY_KIB, minimum=8),
            password_time_cost=v.integer("PROMPTSAAS_PASSWORD_TIME_COST", OWASP_TIME_COST),
            reservation_ttl_seconds=v.integer("PROMPTSAAS_RESERVATION_TTL_SECONDS", cls.reservation_ttl_seconds),
            cache_ttl_seconds=v.number("PROMPTSAAS_CACHE_TTL_SECONDS", cls.cache_ttl_seconds),
            max_body_bytes=v.integer("PROMPTSAAS_MAX_BODY_BYTES", cls.max_body_bytes),
            secret_key=v.optional("PROMPTSAAS_SECRET_KEY"),
            secret_keys_old=v.items("PROMPTSAAS_SECRET_KEYS_OLD"),
            secret_key_file=v.optional("PROMPTSAAS_SECRET_KEY_FILE"),
            encryption_key=v.optional("PROMPTSAAS_ENCRYPTION_KEY"),
            encryption_key_file=v.optional("PROMPTSAAS_ENCRYPTION_KEY_FILE"),
            token_issuer=v.text("PROMPTSAAS_TOKEN_ISSUER", cls.token_issuer),
            token_audience=v.text("PROMPTSAAS_TOKEN_AUDIENCE", cls.token_audience),
            access_token_ttl_seconds=60 * v.integer("PROMPTSAAS_ACCESS_TOKEN_MINUTES", 15),
            refresh_token_ttl_days=v.integer("PROMPTSAAS_REFRESH_TOKEN_DAYS", cls.refresh_token_ttl_days),
            google_client_ids=v.items("PROMPTSAAS_GOOGLE_CLIENT_IDS"),
            apple_client_ids=v.items("PROMPTSAAS_APPLE_CLIENT_IDS"),
            google_jwks_url=v.url("PROMPTSAAS_GOOGLE_JWKS_URL", GOOGLE_JWKS_URL),
            apple_jwks_url=v.url("PROMPTSAAS_APPLE_JWKS_URL", APPLE_JWKS_URL),
            auth_rate_limits=_auth_rate_limits(v),
            llm_timeout_seconds=v.number("PROMPTSAAS_LLM_TIMEOUT_SECONDS", cls.llm_timeout_seconds, positive=True),
            llm_max_retries=v.integer("PROMPTSAAS_LLM_MAX_RETRIES", cls.llm_max_retries, minimum=0),
            llm_backoff_seconds=v.number("PROMPTSAAS_LLM_BACKOFF_SECONDS", cls.llm_backoff_seconds),
            llm_transport=parse_transport(v.choice("PROMPTSAAS_LLM_TRANSPORT", cls.llm_transport, TRANSPORTS)),
            llm_endpoints=_endpoints(v),
            attachment_max_bytes=v.integer("PROMPTSAAS_ATTACHMENT_MAX_BYTES", cls.attachment_max_bytes),
            attachments_per_message=v.integer("PROMPTSAAS_ATTACHMENTS_PER_MESSAGE", cls.attachments_per_message),
            operations=OperationsSettings.from_variables(
                v, production=v.choice("PROMPTSAAS_ENV", "development", ENVIRONMENTS) == "production"
            ),
        )
        return replace(base, **overrides)  # type: ignore[arg-type]


def _endpoints(v: Variables) -> tuple[LlmEndpoint, ...]:
    try:
        return parse_endpoints(v.optional("PROMPTSAAS_LLM_ENDPOINTS") or "", v.env)
    except ValueError as error:  # its messages already name the variable and the faulty item
        raise SettingsError(str(error)) from None


def _auth_rate_limits(v: Variables) -> AuthRateLimits:
    """Attempts per client IP and per email address, per `PROMPTSAAS_AUTH_LIMIT_WINDOW_SECONDS`."""
    default = AuthRateLimits()
    return AuthRateLimits(
        login_per_ip=v.integer("PROMPTSAAS_LOGIN_LIMIT_PER_IP", default.login_per_ip),
        login_per_email=v.integer("PROMPTSAAS_LOGIN_LIMIT_PER_EMAIL", default.login_per_email),
        register_per_ip=v.integer("PROMPTSAAS_REGISTER_LIMIT_PER_IP", default.register_per_ip),
        register_per_email=v.integer("PROMPTSAAS_REGISTER_LIMIT_PER_EMAIL", default.register_per_email),
        window_seconds=v.integer("PROMPTSAAS_AUTH_LIMIT_WINDOW_SECONDS", default.window_seconds),
    )
