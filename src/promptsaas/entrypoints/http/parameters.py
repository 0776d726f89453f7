"""The path parameters of the API, each documented once with what it names and a real example."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar.openapi.spec import Example
from litestar.params import PathParameter


def _path(description: str, example: object) -> PathParameter:
    return PathParameter(description=description, examples=[Example(value=example)])


AgentSlug = Annotated[str, _path("The agent's slug", "tutor")]
VersionNumber = Annotated[int, _path("The prompt version's number", 2)]
FromVersion = Annotated[int, _path("The version to compare from", 1)]
ToVersion = Annotated[int, _path("The version to compare to", 2)]
PlanCode = Annotated[str, _path("The plan's code", "pro")]
ModelId = Annotated[str, _path("The model, `provider:model`", "openai:gpt-4o-mini")]
UserId = Annotated[str, _path("The user's id", "0193a5b2-1f2e-7a4b-8c9d-0e1f2a3b4c5d")]
SubscriptionId = Annotated[str, _path("The subscription's id", "0193a5b2-9e8d-7c6b-8a59-4837261504f3")]
ApiKeyId = Annotated[str, _path("The API key's id", "0193a5b2-4c3b-7a29-8f1e-0d9c8b7a6f5e")]
ConversationId = Annotated[str, _path("The conversation's id", "0193a5b3-0a1b-7c2d-8e3f-4a5b6c7d8e9f")]
Provider = Annotated[str, _path("The LLM provider, as model references name it", "openai")]
SignInProvider = Annotated[Literal["google", "apple"], _path("Who issued the ID token", "google")]
TenantSlug = Annotated[str, _path("The tenant's slug, as `promptsaas bot --set-webhook` registered it", "demo")]
