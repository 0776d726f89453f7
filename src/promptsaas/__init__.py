"""promptsaas: sell access to prompt-based AI agents.

`from promptsaas import AsyncPlatform, Platform` is the library's front door; the names load on first use, so
`import promptsaas` (and the CLI's `--help`) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from promptsaas.__about__ import __version__

if TYPE_CHECKING:
    from promptsaas.entrypoints.library import AccessDenied, AsyncPlatform, Platform

__all__ = ["AccessDenied", "AsyncPlatform", "Platform", "__version__"]


def __getattr__(name: str) -> Any:
    if name in {"AccessDenied", "AsyncPlatform", "Platform"}:
        from promptsaas.entrypoints import library

        return getattr(library, name)
    raise AttributeError(f"module 'promptsaas' has no attribute {name!r}")
