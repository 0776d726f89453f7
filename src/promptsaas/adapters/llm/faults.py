"""Provider faults: one deadline per call, bounded retries with backoff for transient faults, typed errors.

Only connection errors, 429 and 5xx are retried; everything else fails at once with its `LlmError`. The SDKs' own
retries are off (`max_retries=0`) so that this policy is the only one, and its attempts can be counted.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from promptsaas.domain.errors import LlmAuthFailed, LlmBadRequest, LlmError, LlmRateLimited, LlmTimeout, LlmUnavailable

_T = TypeVar("_T")
log = logging.getLogger(__name__)

DETAIL_CHARS = 300
_KEY_LIKE = re.compile(r"\b(?:sk|pk|rk)[-_][\w\-*.]{6,}|\bAIza[\w\-]{20,}")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    timeout_seconds: float = 60.0
    """The whole call's deadline, retries and waits included."""
    max_retries: int = 2
    backoff_seconds: float = 0.5
    max_backoff_seconds: float = 8.0

    @property
    def sdk_timeout(self) -> float:
        """The SDK's own timeout, a backstop just past the deadline: the deadline is ours to enforce, so any
        "timeout" the SDK reports earlier is a connection fault (openai's aiohttp transport reports a dropped
        connection as a connect timeout)."""
        return self.timeout_seconds + 1.0

    def delay(self, retry: int, jitter: float, retry_after: float | None = None) -> float:
        """Exponential backoff with equal jitter (half fixed, half random), never less than the server asked."""
        ceiling = min(self.max_backoff_seconds, self.backoff_seconds * 2.0**retry)
        wait = ceiling / 2 + ceiling / 2 * jitter
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_backoff_seconds))
        return wait


@dataclass(frozen=True, slots=True)
class Fault:
    """What went wrong with one attempt, in the platform's terms."""

    error: LlmError
    retryable: bool = False
    retry_after: float | None = None


def status_fault(provider: str, status: int, detail: str = "", retry_after: float | None = None) -> Fault:
    """An HTTP error status from a provider; `detail` must already be free of secrets (see `redact`)."""
    if status == 429:
        limited = LlmRateLimited(f"{provider} is rate-limiting calls (HTTP 429)", retry_after=retry_after)
        return Fault(limited, True, retry_after)
    if status >= 500:
        return Fault(LlmUnavailable(f"{provider} is unavailable (HTTP {status})"), True, retry_after)
    if status in (401, 403):
        return Fault(LlmAuthFailed(f"{provider} rejected the API key (HTTP {status})"))
    suffix = f": {detail}" if detail else ""
    return Fault(LlmBadRequest(f"{provider} refused the request (HTTP {status}){suffix}"))


def connection_fault(provider: str) -> Fault:
    return Fault(LlmUnavailable(f"cannot reach {provider}"), True)


def timeout_fault(provider: str, seconds: float) -> Fault:
    return Fault(LlmTimeout(f"{provider} did not answer within {seconds:g} s"))


class InvalidResponse(Exception):
    """A provider answered 2xx with something that is not a completion (raised while reading the reply)."""


def invalid_response_fault(provider: str) -> Fault:
    return Fault(LlmUnavailable(f"{provider} sent a response that is not a completion"))


def missing_key(provider: str, variable: str | None) -> LlmAuthFailed:
    hint = f"set {variable} or use your own key" if variable else "configure a key"
    return LlmAuthFailed(f"no API key is configured for {provider}: {hint}")


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """A provider's message made safe to show: known keys and anything key-shaped removed, length bounded."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    text = _KEY_LIKE.sub("[redacted]", text)
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def provider_message(body: object) -> str:
    """The human message inside a provider's error body (`{"error": {"message": ...}}` and alike), or ""."""
    for _ in range(3):
        if not isinstance(body, dict):
            return ""
        message = body.get("message")
        if isinstance(message, str):
            return message
        body = body.get("error")
    return ""


def retry_after_seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


async def call_with_retries(
    provider: str,
    attempt: Callable[[], Awaitable[_T]],
    classify: Callable[[Exception], Fault | None],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    jitter: Callable[[], float] = random.random,
) -> _T:
    """Run `attempt` until it succeeds, a fault is not retryable, retries run out, or the deadline passes.

    `classify` turns an SDK exception into a `Fault`; `None` means "not a provider fault" and re-raises it as is.
    """
    try:
        async with asyncio.timeout(policy.timeout_seconds):
            retry = 0
            while True:
                try:
                    return await attempt()
                except Exception as exc:
                    fault = classify(exc)
                    if fault is None:
                        raise
                if not fault.retryable or retry >= policy.max_retries:
                    raise fault.error
                wait = policy.delay(retry, jitter(), fault.retry_after)
                log.warning("%s: %s; retry %d in %.3f s", provider, fault.error.code, retry + 1, wait)
                await sleep(wait)
                retry += 1
    except TimeoutError:
        raise timeout_fault(provider, policy.timeout_seconds).error from None
