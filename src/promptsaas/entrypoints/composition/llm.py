"""LLM configuration: named OpenAI-compatible endpoints from the environment, and the providers built from settings."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from promptsaas.adapters.llm.clients import Transport
from promptsaas.adapters.llm.faults import RetryPolicy
from promptsaas.adapters.llm.lazy import LazyProvider
from promptsaas.adapters.llm.offline import OfflineProvider
from promptsaas.adapters.llm.registry import ProviderRegistry
from promptsaas.application.ports.llm import LlmProvider

if TYPE_CHECKING:
    from promptsaas.entrypoints.composition.settings import Settings

RESERVED = frozenset({"offline", "openai", "anthropic"})
TRANSPORTS = ("httpx", "aiohttp")
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class LlmEndpoint:
    """An OpenAI-compatible server under its own provider name (`gemini:gemini-2.5-flash` → `gemini`)."""

    name: str
    base_url: str
    key_env: str | None = None
    api_key: str | None = field(default=None, repr=False)


def parse_endpoints(spec: str, env: Mapping[str, str]) -> tuple[LlmEndpoint, ...]:
    """`name=base_url|KEY_VAR,...` (the key variable may be empty for keyless servers such as Ollama)."""
    endpoints: list[LlmEndpoint] = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        name, sep, rest = item.partition("=")
        base_url, _, key_env = rest.partition("|")
        name, base_url, key_env = name.strip(), base_url.strip(), key_env.strip()
        if not sep or not _NAME.match(name) or name in RESERVED:
            raise ValueError(f"PROMPTSAAS_LLM_ENDPOINTS: {item!r} needs a new lowercase name (name=base_url|KEY_VAR)")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"PROMPTSAAS_LLM_ENDPOINTS: {name}'s base URL must be http(s), got {base_url!r}")
        if name in {e.name for e in endpoints}:
            raise ValueError(f"PROMPTSAAS_LLM_ENDPOINTS: {name} is configured twice")
        endpoints.append(LlmEndpoint(name, base_url, key_env or None, env.get(key_env) if key_env else None))
    return tuple(endpoints)


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
