"""The words a person reads in WhatsApp: help, limits, plans and denials, written once for the dialogue."""

from __future__ import annotations

from collections.abc import Sequence

from promptsaas.application.access import LimitView
from promptsaas.domain.decisions import Decision
from promptsaas.domain.plans import Plan

HELP = (
    "Write to talk to your agent. Words I understand:\n"
    "*agents*: choose an agent\n"
    "*new*: start a new conversation\n"
    "*usage*: what you have used and what is left\n"
    "*plans*: the plans you can get\n"
    "*help*: this message"
)


def help_text() -> str:
    return HELP


def _when(view: LimitView) -> str:
    return view.resets_at.strftime("%Y-%m-%d %H:%M UTC")


def limits_text(per_plan: Sequence[tuple[str, Sequence[LimitView]]]) -> str:
    lines = []
    for plan, views in per_plan:
        lines.append(f"*{plan}*")
        for view in views:
            if view.limit is None:
                lines.append(f"- {view.metric} per {view.window}: {view.used} used, unlimited")
            else:
                lines.append(
                    f"- {view.metric} per {view.window}: {view.used} of {view.limit} used, "
                    f"{view.remaining} left (resets {_when(view)})"
                )
    return "\n".join(lines) or "You have no plan with limits right now."


def _price(plan: Plan) -> str:
    price = plan.price
    if price is None or (price.monthly is None and price.yearly is None):
        return "free"
    parts = []
    if price.monthly is not None:
        parts.append(f"{price.monthly / 100:.2f} {price.currency.upper()}/month")
    if price.yearly is not None:
        parts.append(f"{price.yearly / 100:.2f} {price.currency.upper()}/year")
    return ", ".join(parts)


def plans_text(plans: Sequence[Plan], default: str | None) -> str:
    lines = ["The plans:"]
    for plan in plans:
        marker = " (everyone starts here)" if plan.code == default else ""
        lines.append(f"- *{plan.name}* ({plan.code}): {_price(plan)}{marker}")
    return "\n".join(lines) if plans else "There are no plans to choose from yet."


def denial(decision: Decision) -> str:
    """A refusal as a person would say it: what is used up and when it comes back."""
    when = decision.resets_at
    text = decision.message.rstrip(".")
    if when is not None:
        text += f". It resets at {when.strftime('%Y-%m-%d %H:%M UTC')}"
    return text + ". Send *plans* to see what more you can get."
