"""The LLM providers built from settings: offline, OpenAI, Anthropic and each named OpenAI-compatible endpoint."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, cast

from promptsaas.adapters.llm.clients import Transport
from promptsaas.adapters.llm.faults import RetryPolicy
from promptsaas.adapters.llm.lazy import LazyProvider
from promptsaas.adapters.llm.offline import OfflineProvider
from promptsaas.adapters.llm.registry import ProviderRegistry
from promptsaas.application.ports.llm import LlmProvider
from promptsaas.entrypoints.composition.llm_endpoints import TRANSPORTS, LlmEndpoint

if TYPE_CHECKING:
    from promptsaas.entrypoints.composition.settings import Settings


def parse_transport(value: str) -> Transport:
    if value not in TRANSPORTS:
        raise ValueError(f"PROMPTSAAS_LLM_TRANSPORT must be one of {', '.join(TRANSPORTS)}, got {value!r}")
    return cast(Transport, value)


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(settings.llm_timeout_seconds, settings.llm_max_retries, settings.llm_backoff_seconds)


def llm_providers(settings: Settings) -> ProviderRegistry:
    """`offline` always; `openai` and `anthropic` always (a missing key fails the call, clearly); each endpoint.

    The SDK-backed providers are built on their first call (see `LazyProvider`).
    """
    policy = retry_policy(settings)
    transport = parse_transport(settings.llm_transport)
    providers: dict[str, LlmProvider] = {
        "offline": OfflineProvider(),
        "openai": LazyProvider(lambda: _openai(policy=policy, transport=transport)),
        "anthropic": LazyProvider(lambda: _anthropic(policy, transport)),
    }
    for endpoint in settings.llm_endpoints:
        providers[endpoint.name] = LazyProvider(functools.partial(_compatible, endpoint, policy, transport))
    return ProviderRegistry(providers)


def _compatible(endpoint: LlmEndpoint, policy: RetryPolicy, transport: Transport) -> LlmProvider:
    """Compatible servers take `max_tokens`; the key comes from the endpoint's own variable."""
    return _openai(
        endpoint.name,
        base_url=endpoint.base_url,
        api_key=endpoint.api_key,
        key_env=endpoint.key_env,
        policy=policy,
        transport=transport,
        max_tokens_field="max_tokens",
    )


def _openai(name: str = "openai", **options: Any) -> LlmProvider:
    from promptsaas.adapters.llm.openai import OpenAIProvider

    return OpenAIProvider(name, **options)


def _anthropic(policy: RetryPolicy, transport: Transport) -> LlmProvider:
    from promptsaas.adapters.llm.anthropic import AnthropicProvider

    return AnthropicProvider(policy=policy, transport=transport)
