"""Who a caller is and the secrets that prove it: password hashing, signing keys and tokens, OAuth, sessions,
account mail, API keys and the auth service over them, and the cipher that keeps stored secrets.

A sub-container of `Container`, which exposes each of these providers under its own name (`container.auth`).
"""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from promptsaas.application.admin import AdminService
from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.auth.account_mail import AccountMail
from promptsaas.application.auth.accounts import AccountService
from promptsaas.application.auth.api_keys import ApiKeyService
from promptsaas.application.auth.oauth_redirect import OAuthRedirect
from promptsaas.application.auth.oauth_sign_in import OAuthSignIn
from promptsaas.application.auth.service import AuthService
from promptsaas.application.auth.sessions import SessionService
from promptsaas.application.auth.signup import SignUpService
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.rate_limit import RateLimiter
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.read_cache import ReadCache
from promptsaas.entrypoints.composition import mail, security
from promptsaas.entrypoints.composition.key_files import ENCRYPTION_KEY, SECRET_KEY, key_file
from promptsaas.entrypoints.composition.settings import Settings


class Identity(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    audit: providers.Dependency[AuditTrail] = providers.Dependency()
    admin: providers.Dependency[AdminService] = providers.Dependency()
    read_cache: providers.Dependency[ReadCache] = providers.Dependency()
    rate_limiter: providers.Dependency[RateLimiter] = providers.Dependency()

    hasher = providers.Singleton(
        security.password_hasher,
        memory_kib=settings.provided.password_memory_kib,
        time_cost=settings.provided.password_time_cost,
    )

    signing_keys = providers.Singleton(
        security.signing_keys,
        settings.provided.secret_key,
        settings.provided.secret_keys_old,
        production=settings.provided.production,
        key_file=providers.Callable(
            key_file, settings.provided.secret_key_file, settings.provided.database_url, SECRET_KEY
        ),
    )
    tokens = providers.Singleton(
        security.token_issuer,
        signing_keys.provider,
        clock,
        ids,
        issuer=settings.provided.token_issuer,
        audience=settings.provided.token_audience,
        ttl_seconds=settings.provided.access_token_ttl_seconds,
    )
    id_tokens = providers.Singleton(
        security.id_token_verifier,
        clock,
        google_client_ids=settings.provided.google_client_ids,
        apple_client_ids=settings.provided.apple_client_ids,
        google_jwks_url=settings.provided.google_jwks_url,
        apple_jwks_url=settings.provided.apple_jwks_url,
    )
    cipher = providers.Singleton(
        security.secret_cipher,
        settings.provided.encryption_key,
        production=settings.provided.production,
        key_file=providers.Callable(
            key_file, settings.provided.encryption_key_file, settings.provided.database_url, ENCRYPTION_KEY
        ),
    )
    sessions = providers.Singleton(
        SessionService,
        uow,
        tokens,
        clock,
        ids,
        providers.Factory(timedelta, days=settings.provided.refresh_token_ttl_days),
        read_cache,
    )
    mailer = providers.Singleton(
        mail.mailer, settings.provided.smtp_url, settings.provided.mail_from, production=settings.provided.production
    )
    account_mail = providers.Singleton(AccountMail, mailer, tokens, settings.provided.public_url)
    accounts = providers.Singleton(AccountService, uow, hasher, sessions, account_mail, audit, clock)
    signup = providers.Singleton(SignUpService, uow, hasher, admin, account_mail, audit, clock)
    api_keys = providers.Singleton(ApiKeyService, uow, clock, ids, audit, read_cache)
    oauth = providers.Singleton(OAuthSignIn, uow, id_tokens, sessions, admin, audit, clock)
    oauth_redirect = providers.Singleton(
        OAuthRedirect,
        providers.Singleton(security.authorization_code_flow, settings),
        oauth,
        admin,
        cipher,
        clock,
        public_url=settings.provided.public_url,
    )
    auth = providers.Singleton(
        AuthService,
        uow,
        hasher,
        admin,
        sessions,
        api_keys,
        oauth,
        rate_limiter,
        settings.provided.auth_rate_limits,
        read_cache,
        accounts,
        signup,
    )
