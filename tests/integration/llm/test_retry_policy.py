"""The retry policy on its own: which faults are retried, how long it waits, and when it gives up."""

from __future__ import annotations

import pytest

from promptsaas.adapters.llm.faults import Fault, RetryPolicy, call_with_retries, redact, status_fault
from promptsaas.domain.errors import LlmError, LlmUnavailable


def test_backoff_doubles_with_equal_jitter_and_is_capped() -> None:
    policy = RetryPolicy(backoff_seconds=0.5, max_backoff_seconds=3.0)
    assert [policy.delay(n, jitter=0.0) for n in range(4)] == [0.25, 0.5, 1.0, 1.5]
    assert [policy.delay(n, jitter=1.0) for n in range(4)] == [0.5, 1.0, 2.0, 3.0]


def test_a_servers_retry_after_is_honoured_up_to_the_cap() -> None:
    policy = RetryPolicy(backoff_seconds=0.5, max_backoff_seconds=3.0)
    assert policy.delay(0, jitter=0.0, retry_after=2.0) == 2.0
    assert policy.delay(0, jitter=0.0, retry_after=60.0) == 3.0


@pytest.mark.parametrize(
    ("status", "retryable", "code"),
    [
        (429, True, "llm_rate_limited"),
        (500, True, "llm_unavailable"),
        (503, True, "llm_unavailable"),
        (529, True, "llm_unavailable"),
        (400, False, "llm_bad_request"),
        (404, False, "llm_bad_request"),
        (422, False, "llm_bad_request"),
        (401, False, "llm_auth_failed"),
        (403, False, "llm_auth_failed"),
    ],
)
def test_only_429_and_5xx_are_retried(status: int, retryable: bool, code: str) -> None:
    fault = status_fault("openai", status)
    assert (fault.retryable, fault.error.code) == (retryable, code)


async def test_it_waits_between_attempts_and_gives_up_after_the_last_retry() -> None:
    waits: list[float] = []
    attempts = 0

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def attempt() -> str:
        nonlocal attempts
        attempts += 1
        raise ConnectionError

    def classify(exc: Exception) -> Fault:
        return Fault(LlmUnavailable("down"), retryable=True)

    policy = RetryPolicy(timeout_seconds=5, max_retries=3, backoff_seconds=0.1)
    with pytest.raises(LlmError, match="down"):
        await call_with_retries("p", attempt, classify, policy, sleep=sleep, jitter=lambda: 1.0)
    assert attempts == 4
    assert waits == pytest.approx([0.1, 0.2, 0.4])


async def test_an_exception_that_is_not_a_provider_fault_passes_through() -> None:
    async def attempt() -> str:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        await call_with_retries("p", attempt, lambda exc: None, RetryPolicy())


def test_redaction_removes_known_and_key_shaped_secrets() -> None:
    text = "key sk-proj-abc123def456 and AIzaSyA1234567890abcdefghijkl and mine-0123456789 ok"
    assert redact(text, ["mine-0123456789"]) == "key [redacted] and [redacted] and [redacted] ok"
    assert len(redact("x" * 1000)) == 300
