"""Named OpenAI-compatible endpoints and the SDKs' transport, as settings read them from the environment (no
adapter is imported: reading settings stays cheap for a command that builds no provider)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from promptsaas.entrypoints.composition.variables import SettingsError, Variables

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


def llm_endpoints(v: Variables) -> tuple[LlmEndpoint, ...]:
    """`PROMPTSAAS_LLM_ENDPOINTS`, its keys read from the variables it names."""
    try:
        return parse_endpoints(v.optional("PROMPTSAAS_LLM_ENDPOINTS") or "", v.env)
    except ValueError as error:  # its messages already name the variable and the faulty item
        raise SettingsError(str(error)) from None
