"""Prompt versions: immutable prompt content, numbered per agent, with one active at a time."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from promptsaas.domain.bounds import MAX_NOTE, short_text
from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.models import split_model_ref
from promptsaas.domain.templates import Variable, check_template

DEFAULT_MAX_OUTPUT_TOKENS = 1024


class VersionStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


@dataclass(frozen=True, slots=True)
class ModelParams:
    temperature: float | None = None
    max_output_tokens: int | None = None
    top_p: float | None = None
    stop: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.temperature is not None and not 0 <= self.temperature <= 2:
            raise InvalidInput("temperature must be between 0 and 2", field="params.temperature")
        if self.top_p is not None and not 0 < self.top_p <= 1:
            raise InvalidInput("top_p must be in (0, 1]", field="params.top_p")
        if self.max_output_tokens is not None and not 1 <= self.max_output_tokens <= 1_000_000:
            raise InvalidInput("max_output_tokens must be a positive integer", field="params.max_output_tokens")
        if len(self.stop) > 4:
            raise InvalidInput("at most 4 stop sequences", field="params.stop")

    @property
    def output_budget(self) -> int:
        return self.max_output_tokens or DEFAULT_MAX_OUTPUT_TOKENS

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.temperature is not None:
            out["temperature"] = self.temperature
        if self.max_output_tokens is not None:
            out["max_output_tokens"] = self.max_output_tokens
        if self.top_p is not None:
            out["top_p"] = self.top_p
        if self.stop:
            out["stop"] = list(self.stop)
        return out


@dataclass(frozen=True, slots=True)
class PromptContent:
    """What a version says; two versions with equal content are the same prompt."""

    system: str
    model: str
    user: str | None = None
    variables: tuple[Variable, ...] = ()
    params: ModelParams = field(default_factory=ModelParams)

    def __post_init__(self) -> None:
        split_model_ref(self.model)
        names = [v.name for v in self.variables]
        if len(names) != len(set(names)):
            raise InvalidInput("variables are declared twice", field="variables")
        check_template(self.system, self.variables, allow_input=False, where="system")
        if self.user is not None:
            check_template(self.user, self.variables, allow_input=True, where="user")

    def text(self) -> str:
        """A stable, line-oriented rendering used for diffs."""
        lines = [f"model: {self.model}"]
        lines += [f"param {k}: {v}" for k, v in self.params.as_dict().items()]
        for var in self.variables:
            lines.append(f"variable {var.name}: {var.describe()}")
        lines.append("system:")
        lines += ["  " + line for line in self.system.splitlines()]
        if self.user is not None:
            lines.append("user:")
            lines += ["  " + line for line in self.user.splitlines()]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class PromptVersion:
    """One immutable version. Only the lifecycle fields (status, activation) change after creation."""

    id: str
    tenant_id: str
    agent_id: str
    number: int
    content: PromptContent
    created_at: datetime
    author: str = ""
    note: str = ""
    status: VersionStatus = VersionStatus.DRAFT
    activated_from: int | None = None
    """The version that was active when this one was activated: where a rollback returns to."""

    def activated(self, previous: int | None) -> PromptVersion:
        return replace(self, status=VersionStatus.ACTIVE, activated_from=previous)

    def archived(self) -> PromptVersion:
        return replace(self, status=VersionStatus.ARCHIVED)


def check_note(note: str) -> str:
    """A new version's note fits `MAX_NOTE` (checked where a version is made, not where a stored one is read)."""
    return short_text(note, "note", MAX_NOTE)


def diff(a: PromptVersion, b: PromptVersion, *, agent: str) -> str:
    """Unified diff of two versions' content."""
    return "".join(
        difflib.unified_diff(
            a.content.text().splitlines(keepends=True),
            b.content.text().splitlines(keepends=True),
            fromfile=f"{agent}@v{a.number}",
            tofile=f"{agent}@v{b.number}",
        )
    )
