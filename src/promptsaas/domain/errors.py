"""Domain errors. Each carries a stable machine `code`; shells map codes to HTTP statuses, exit codes and replies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from promptsaas.domain.decisions import Decision


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(DomainError):
    code = "not_found"

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key!r} not found", code=f"{kind}_not_found")
        self.kind = kind
        self.key = key


class AlreadyExists(DomainError):
    code = "already_exists"

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key!r} already exists", code=f"{kind}_exists")


class InvalidInput(DomainError):
    """Input that breaks a rule of the model; `field` names what is wrong when it can."""

    code = "invalid_request"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.field = field


class TemplateError(InvalidInput):
    """A prompt template or its variables do not fit together (unknown, missing or mistyped variable)."""

    code = "invalid_variables"


class InputTooLong(InvalidInput):
    """The new message with the agent's prompt does not fit the model's context window beside its output budget,
    even with no history at all."""

    code = "input_too_long"

    def __init__(self, tokens: int, room: int, window: int) -> None:
        super().__init__(
            f"the message with the agent's prompt is about {tokens} tokens; the model reads {window}, of which "
            f"{room} are left once its answer has room: send a shorter message",
            field="input",
        )


class CatalogInvalid(InvalidInput):
    """A catalog document was rejected as a whole; `problems` are `path: message` lines."""

    code = "catalog_invalid"

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("catalog rejected: " + "; ".join(problems))
        self.problems = tuple(problems)


class SetupFailed(DomainError):
    """The deployment cannot run as installed or configured: a missing driver or migration, a schema this version
    cannot use. Operators fix it (install, migrate, configure); retrying the same call does not help."""

    code = "setup_failed"


class DatabaseUnavailable(SetupFailed):
    """The database cannot be reached, opened or written (server down, wrong host, missing or read-only directory)."""

    code = "database_unavailable"


class DatabaseNotMigrated(SetupFailed):
    """The database's schema is older than this version needs, and is migrated only on an operator's command."""

    code = "database_not_migrated"


class InvalidCredentials(DomainError):
    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("email or password is wrong")


class InvalidToken(DomainError):
    """A credential (access token, refresh token, API key, OAuth ID token) that does not prove who is calling."""

    code = "invalid_token"

    def __init__(self, message: str = "the token is invalid or has expired", *, code: str | None = None) -> None:
        super().__init__(message, code=code)


class RefreshTokenReused(DomainError):
    """A refresh token was presented twice: its whole family is revoked, so a stolen copy is worthless too."""

    code = "refresh_token_reused"

    def __init__(self) -> None:
        super().__init__("this refresh token was already used; its sessions are revoked, please sign in again")


class TenantSuspended(DomainError):
    """The caller's credentials are valid, but their tenant is suspended: nobody of it signs in or calls until an
    operator reactivates it (tokens and API keys then work again)."""

    code = "tenant_suspended"

    def __init__(self) -> None:
        super().__init__("this tenant is suspended; sign-in and API access resume when it is reactivated")


class RateLimited(DomainError):
    """Too many attempts (login, register); `retry_after` is how many seconds to wait."""

    code = "rate_limited"

    def __init__(self, retry_after: int, message: str = "too many attempts, try again later") -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Forbidden(DomainError):
    code = "forbidden"


class AccessDenied(DomainError):
    """The policy engine refused a call; `decision` carries the reason and every applicable limit."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.message, code=decision.code)
        self.decision = decision


class LlmError(DomainError):
    """A model provider failed; nothing is charged for the call."""

    code = "llm_unavailable"


class LlmUnavailable(LlmError):
    code = "llm_unavailable"


class LlmTimeout(LlmError):
    code = "llm_timeout"


class LlmRateLimited(LlmError):
    """The provider is rate-limiting calls; `retry_after` is the seconds it asked to wait, when it said."""

    code = "llm_rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LlmBadRequest(LlmError):
    code = "llm_bad_request"


class LlmAuthFailed(LlmError):
    code = "llm_auth_failed"


class ByokKeyInvalid(DomainError):
    """The user's own key (BYOK) was refused by its provider; it is flagged for replacement."""

    code = "byok_key_invalid"

    def __init__(self, provider: str) -> None:
        super().__init__(f"your own {provider} key was rejected; it is flagged until you replace it")
        self.provider = provider


class ByokKeyUndecryptable(DomainError):
    """The user's own key no longer decrypts here: the server's encryption key changed, not the user's key, so the
    key is left unflagged and works again once the encryption key that sealed it is configured."""

    code = "byok_key_undecryptable"

    def __init__(self, provider: str) -> None:
        super().__init__(
            f"your own {provider} key cannot be decrypted: the server's encryption key changed since it was stored; "
            "the operator must configure the key that sealed it (PROMPTSAAS_ENCRYPTION_KEY), or store yours again"
        )
        self.provider = provider


class SignUpRefused(DomainError):
    """The tenant's sign-up mode does not let this person create an account by themselves (`signup_closed`, or
    `invite_required` for a missing, expired or someone else's invite)."""

    code = "signup_closed"


class EmailVerificationRequired(DomainError):
    """The tenant signs in only members who verified their email; the verification mail has the link."""

    code = "email_verification_required"

    def __init__(self) -> None:
        super().__init__("verify your email first: follow the link in the mail we sent (or ask for a new one)")


class InvalidLink(DomainError):
    """A verification, reset or invite link that is malformed, expired, already used or for another tenant."""

    code = "invalid_link"

    def __init__(self, message: str = "this link is invalid, expired or already used; ask for a new one") -> None:
        super().__init__(message)


class LastAdmin(DomainError):
    """Demoting or disabling this admin would leave the tenant without an active admin."""

    code = "last_admin"

    def __init__(self) -> None:
        super().__init__("this is the tenant's last active admin: promote another user first")
