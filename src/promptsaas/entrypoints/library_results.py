"""What the library hands back where the services answer with pairs: small frozen records with named fields."""

from __future__ import annotations

from dataclasses import dataclass

from promptsaas.application.access import LimitView
from promptsaas.domain.agents import Agent
from promptsaas.domain.plans import Plan


@dataclass(frozen=True, slots=True)
class AgentOverview:
    """An agent and the number of its active prompt version (`None` while no version is active)."""

    agent: Agent
    active_version: int | None


@dataclass(frozen=True, slots=True)
class PlanCatalog:
    """Every plan of a tenant and the code of its default plan (`None` when it has none)."""

    plans: list[Plan]
    default_plan: str | None


@dataclass(frozen=True, slots=True)
class PlanLimits:
    """One active plan of a user, with each of its limits' used / remaining / resets_at."""

    plan: str
    limits: list[LimitView]
