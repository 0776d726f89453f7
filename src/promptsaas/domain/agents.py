"""Agents: the personas an operator sells access to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from promptsaas.domain.bounds import named
from promptsaas.domain.errors import InvalidInput


class AgentStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


@dataclass(slots=True)
class Agent:
    id: str
    tenant_id: str
    slug: str
    name: str
    created_at: datetime
    description: str = ""
    status: AgentStatus = AgentStatus.PUBLISHED
    history_turns: int = 6
    styles: dict[str, str] = field(default_factory=dict)
    accepts_client_system: bool = False
    """Whether a client's own `system`/`developer` instructions reach the model (after the agent's prompt)."""

    def __post_init__(self) -> None:
        if self.history_turns < 0 or self.history_turns > 100:
            raise InvalidInput("history_turns must be between 0 and 100", field="history_turns")

    @property
    def history_messages(self) -> int:
        """How many past messages go back to the model: `history_turns` exchanges of a question and a reply."""
        return self.history_turns * 2

    def style_text(self, style: str | None) -> str | None:
        """The prompt fragment of a named style; an unknown style is an error naming it."""
        if style is None:
            return None
        if style not in self.styles:
            raise InvalidInput(f"agent {self.slug!r} has no style {style!r}", field="style", code="unknown_style")
        return self.styles[style]

    def with_client_system(self, system: str, client_system: str | None) -> str:
        """The agent's prompt, then the client's instructions if the agent accepts them: the agent's always leads."""
        if not self.accepts_client_system or not client_system:
            return system
        return f"{system}\n\n{client_system}"


def check_agent_bounds(agent: Agent, stored: Agent | None = None) -> None:
    """An agent's name an admin sets is not blank and fits `MAX_NAME`; a name already `stored` and left as it was is
    not checked again, so an agent saved before the bound stays editable."""
    if stored is None or agent.name != stored.name:
        named(agent.name)
