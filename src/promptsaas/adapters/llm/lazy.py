"""A provider built on its first call, so a process that never calls it never imports its SDK.

Importing the `openai` and `anthropic` SDKs takes seconds without compiled bytecode; the CLI, the demo on
`offline:echo` and most tests should not pay that.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from promptsaas.application.ports.llm import Completion, LlmProvider, LlmRequest, StreamEvent


class LazyProvider(LlmProvider):
    def __init__(self, build: Callable[[], LlmProvider]) -> None:
        self._build = build
        self._provider: LlmProvider | None = None

    @property
    def provider(self) -> LlmProvider:
        if self._provider is None:
            self._provider = self._build()
        return self._provider

    async def complete(self, request: LlmRequest) -> Completion:
        return await self.provider.complete(request)

    def stream(self, request: LlmRequest) -> AsyncIterator[StreamEvent]:
        return self.provider.stream(request)

    async def aclose(self) -> None:
        close = getattr(self._provider, "aclose", None)
        if close is not None:
            await close()
