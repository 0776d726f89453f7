"""Settings from `PROMPTSAAS_*` environment variables, and from a `.env` file in the working directory.

A variable set in the real environment wins over the same name in `.env`; an empty value means the default. Every
malformed value is a `SettingsError` (a `ValueError`) naming the variable and what it expected.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from promptsaas.adapters.security.defaults import (
    APPLE_AUTHORIZE_URL,
    APPLE_JWKS_URL,
    APPLE_TOKEN_URL,
    GOOGLE_AUTHORIZE_URL,
    GOOGLE_JWKS_URL,
    GOOGLE_TOKEN_URL,
    OWASP_MEMORY_KIB,
    OWASP_TIME_COST,
)
from promptsaas.application.auth.rate_limits import AuthRateLimits
from promptsaas.entrypoints.composition.env_file import load_env_file
from promptsaas.entrypoints.composition.llm_endpoints import TRANSPORTS, LlmEndpoint, llm_endpoints
from promptsaas.entrypoints.composition.operations import OperationsSettings
from promptsaas.entrypoints.composition.variables import SettingsError, Variables

__all__ = ["ENVIRONMENTS", "Settings", "SettingsError", "check_production_secrets"]

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
    google_client_secret: str | None = field(default=None, repr=False)
    """With it, the sign-in pages show "Continue with Google" (the first of the client ids is the web client)."""
    google_authorize_url: str = GOOGLE_AUTHORIZE_URL
    google_token_url: str = GOOGLE_TOKEN_URL
    apple_team_id: str | None = None
    apple_key_id: str | None = None
    apple_private_key_file: str | None = None
    """Apple's `.p8` key that signs the client secret; with team and key ids, the pages show "Continue with Apple"."""
    apple_authorize_url: str = APPLE_AUTHORIZE_URL
    apple_token_url: str = APPLE_TOKEN_URL
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
    header_timeout_seconds: float = 10.0
    """A request whose headers take longer is answered 408 (`promptsaas serve`, see `http.slow_clients`)."""
    body_timeout_seconds: float = 30.0
    """The longest wait for each chunk of a request body before a 408."""
    stripe_api_key: str | None = field(default=None, repr=False)
    """`STRIPE_API_KEY`: the deployment's default Stripe key (a tenant may set its own)."""
    stripe_webhook_secret: str | None = field(default=None, repr=False)
    """`STRIPE_WEBHOOK_SECRET`: the default signing secret of `/v1/webhooks/stripe/{tenant}`."""
    stripe_api_base: str | None = None
    """`PROMPTSAAS_STRIPE_API_BASE`: where the Stripe SDK sends its calls (default Stripe's own)."""
    billing_success_url: str = "http://localhost:8000/billing/success"
    billing_cancel_url: str = "http://localhost:8000/billing/cancel"
    billing_return_url: str = "http://localhost:8000/"
    billing_retry_seconds: float = 60.0
    """How often pending webhook events are retried."""
    smtp_url: str | None = field(default=None, repr=False)
    """`PROMPTSAAS_SMTP_URL` (`smtp://user:password@host:587`, `smtps://...:465`); unset: mail is printed to the
    console in development, and not sent in production."""
    mail_from: str = "promptsaas <no-reply@localhost>"
    public_url: str = "http://127.0.0.1:8000"
    """`PROMPTSAAS_PUBLIC_URL`: where mailed links (verify, reset, invite) point."""
    telegram_bot_token: str | None = field(default=None, repr=False)
    """`PROMPTSAAS_TELEGRAM_BOT_TOKEN`: the bot's token when a tenant has stored none."""
    telegram_api_base: str | None = None
    """`PROMPTSAAS_TELEGRAM_API_BASE`: another Bot API server (a local one, or a test stub)."""
    telegram_serve_bot: str | None = None
    """`PROMPTSAAS_TELEGRAM_SERVE_BOT` (set by `promptsaas serve --bot TENANT`): the tenant whose bot polls inside
    the server, when a token is set and the tenant is not in webhook mode."""
    telegram_claim_seconds: float = 300.0
    """How long a bot process holds an update it applies; one left by a crashed process is replayed after."""
    whatsapp_phone_number_id: str | None = None
    """The deployment's default WhatsApp number (`PROMPTSAAS_WHATSAPP_*`), for tenants without their own."""
    whatsapp_access_token: str | None = field(default=None, repr=False)
    whatsapp_app_secret: str | None = field(default=None, repr=False)
    whatsapp_verify_token: str | None = field(default=None, repr=False)
    whatsapp_api_base: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v26.0"
    whatsapp_lease_seconds: int = 300
    """How long an inbound message is held by the process answering it; a crashed holder's is taken over after."""
    whatsapp_sweep_seconds: float = 30.0
    """How often a server looks for WhatsApp messages left unanswered (by a crash, or due for another try)."""
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
            google_client_secret=v.optional("PROMPTSAAS_GOOGLE_CLIENT_SECRET"),
            google_authorize_url=v.url("PROMPTSAAS_GOOGLE_AUTHORIZE_URL", GOOGLE_AUTHORIZE_URL),
            google_token_url=v.url("PROMPTSAAS_GOOGLE_TOKEN_URL", GOOGLE_TOKEN_URL),
            apple_team_id=v.optional("PROMPTSAAS_APPLE_TEAM_ID"),
            apple_key_id=v.optional("PROMPTSAAS_APPLE_KEY_ID"),
            apple_private_key_file=v.readable_file("PROMPTSAAS_APPLE_PRIVATE_KEY_FILE"),
            apple_authorize_url=v.url("PROMPTSAAS_APPLE_AUTHORIZE_URL", APPLE_AUTHORIZE_URL),
            apple_token_url=v.url("PROMPTSAAS_APPLE_TOKEN_URL", APPLE_TOKEN_URL),
            auth_rate_limits=_auth_rate_limits(v),
            llm_timeout_seconds=v.number("PROMPTSAAS_LLM_TIMEOUT_SECONDS", cls.llm_timeout_seconds, positive=True),
            llm_max_retries=v.integer("PROMPTSAAS_LLM_MAX_RETRIES", cls.llm_max_retries, minimum=0),
            llm_backoff_seconds=v.number("PROMPTSAAS_LLM_BACKOFF_SECONDS", cls.llm_backoff_seconds),
            llm_transport=v.choice("PROMPTSAAS_LLM_TRANSPORT", cls.llm_transport, TRANSPORTS),
            llm_endpoints=llm_endpoints(v),
            attachment_max_bytes=v.integer("PROMPTSAAS_ATTACHMENT_MAX_BYTES", cls.attachment_max_bytes),
            attachments_per_message=v.integer("PROMPTSAAS_ATTACHMENTS_PER_MESSAGE", cls.attachments_per_message),
            operations=OperationsSettings.from_variables(
                v, production=v.choice("PROMPTSAAS_ENV", "development", ENVIRONMENTS) == "production"
            ),
            telegram_bot_token=v.optional("PROMPTSAAS_TELEGRAM_BOT_TOKEN"),
            telegram_api_base=v.optional("PROMPTSAAS_TELEGRAM_API_BASE"),
            telegram_serve_bot=v.optional("PROMPTSAAS_TELEGRAM_SERVE_BOT"),
            telegram_claim_seconds=v.number(
                "PROMPTSAAS_TELEGRAM_CLAIM_SECONDS", cls.telegram_claim_seconds, positive=True
            ),
            whatsapp_phone_number_id=v.optional("PROMPTSAAS_WHATSAPP_PHONE_NUMBER_ID"),
            whatsapp_access_token=v.optional("PROMPTSAAS_WHATSAPP_ACCESS_TOKEN"),
            whatsapp_app_secret=v.optional("PROMPTSAAS_WHATSAPP_APP_SECRET"),
            whatsapp_verify_token=v.optional("PROMPTSAAS_WHATSAPP_VERIFY_TOKEN"),
            whatsapp_api_base=v.url("PROMPTSAAS_WHATSAPP_API_BASE", cls.whatsapp_api_base),
            whatsapp_api_version=v.text("PROMPTSAAS_WHATSAPP_API_VERSION", cls.whatsapp_api_version),
            whatsapp_lease_seconds=v.integer("PROMPTSAAS_WHATSAPP_LEASE_SECONDS", cls.whatsapp_lease_seconds),
            whatsapp_sweep_seconds=v.number(
                "PROMPTSAAS_WHATSAPP_SWEEP_SECONDS", cls.whatsapp_sweep_seconds, positive=True
            ),
            smtp_url=_smtp_url(v),
            mail_from=v.text("PROMPTSAAS_MAIL_FROM", cls.mail_from),
            public_url=v.url("PROMPTSAAS_PUBLIC_URL", cls.public_url),
            stripe_api_key=v.optional("STRIPE_API_KEY"),
            stripe_webhook_secret=v.optional("STRIPE_WEBHOOK_SECRET"),
            stripe_api_base=v.optional("PROMPTSAAS_STRIPE_API_BASE"),
            billing_success_url=v.url("PROMPTSAAS_BILLING_SUCCESS_URL", cls.billing_success_url),
            billing_cancel_url=v.url("PROMPTSAAS_BILLING_CANCEL_URL", cls.billing_cancel_url),
            billing_return_url=v.url("PROMPTSAAS_BILLING_RETURN_URL", cls.billing_return_url),
            billing_retry_seconds=v.number(
                "PROMPTSAAS_BILLING_RETRY_SECONDS", cls.billing_retry_seconds, positive=True
            ),
            header_timeout_seconds=v.number("PROMPTSAAS_HEADER_TIMEOUT_SECONDS", 10.0, positive=True),
            body_timeout_seconds=v.number("PROMPTSAAS_BODY_TIMEOUT_SECONDS", 30.0, positive=True),
        )
        settings = replace(base, **overrides)  # type: ignore[arg-type]
        _check_reservations_outlive_calls(settings)
        return settings


def _check_reservations_outlive_calls(settings: Settings) -> None:
    """A reservation that expires while its call still runs is released, and the call it funded sold twice: the
    reservation must outlive the longest call (every attempt at the full timeout, a conservative bound)."""
    longest = settings.llm_timeout_seconds * (settings.llm_max_retries + 1)
    if settings.reservation_ttl_seconds <= longest:
        raise SettingsError(
            f"PROMPTSAAS_RESERVATION_TTL_SECONDS ({settings.reservation_ttl_seconds}) must exceed the longest model "
            f"call, PROMPTSAAS_LLM_TIMEOUT_SECONDS x (PROMPTSAAS_LLM_MAX_RETRIES + 1) = {longest:g} seconds"
        )


def check_production_secrets(settings: Settings) -> None:
    """In production, the signing and encryption keys every worker loads at start-up, checked once by the process
    that starts them: a missing or malformed one is a `SettingsError` naming its variable. Not part of `from_env`:
    a command that uses neither key (`tenant list`) runs without them."""
    if not settings.production:
        return
    from promptsaas.adapters.security.cipher import EncryptionKeyError, load_cipher
    from promptsaas.adapters.security.signing_keys import SigningKeyError, load_signing_keys

    try:
        load_signing_keys(settings.secret_key, settings.secret_keys_old, production=True)
        load_cipher(settings.encryption_key, production=True)
    except (SigningKeyError, EncryptionKeyError) as error:
        raise SettingsError(str(error)) from None


def _smtp_url(v: Variables) -> str | None:
    url = v.optional("PROMPTSAAS_SMTP_URL")
    if url is not None:
        from promptsaas.adapters.mail.smtp import smtp_server

        try:
            smtp_server(url)
        except ValueError as error:
            raise SettingsError(str(error)) from None
    return url


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
