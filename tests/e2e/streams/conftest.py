"""The served app of the OpenAI-surface tests (uvicorn on a real socket, SQLite, the LLM stub behind `gpt`), reused
to drive the native run route with a streaming `httpx` client."""

from __future__ import annotations

from tests.e2e.openai.conftest import Served, limits, requests_per_day, served

__all__ = ["Served", "limits", "requests_per_day", "served"]
