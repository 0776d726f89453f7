"""What a channel says, in plain sentences a person would write: denials, limits, plans and agents.

Every messenger shares these words; each shell only escapes and lays them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from promptsaas.application.access import LimitView
from promptsaas.application.messages import Reply
from promptsaas.application.ports.messenger import Answer, Button
from promptsaas.domain.agents import Agent
from promptsaas.domain.billing import money_text
from promptsaas.domain.decisions import Decision, LimitState, Reason
from promptsaas.domain.errors import DomainError, LlmError
from promptsaas.domain.plans import Plan

Rows = tuple[tuple[Button, ...], ...]
WINDOW_WORDS = {
    "minute": "per minute",
    "hour": "per hour",
    "day": "per day",
    "month": "per month",
    "billing_period": "per billing period",
    "grant": "in total",
}

HELP = (
    "Write a message and the current agent answers.\n"
    "/agents - choose an agent\n"
    "/new - start a new conversation\n"
    "/usage - what you used and what is left\n"
    "/plans - plans and packs you can buy\n"
    "/set name value - set one of the agent's variables\n"
    "/link - link this chat to your web account (or /link CODE)\n"
    "/help - this message"
)


def when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def money(amount: int, currency: str) -> str:
    return money_text(amount, currency)


def price_text(plan: Plan) -> str:
    price = plan.price
    if price is None:
        return "free"
    parts = []
    if price.monthly is not None:
        parts.append(f"{money(price.monthly, price.currency)} a month")
    if price.yearly is not None:
        parts.append(f"{money(price.yearly, price.currency)} a year")
    if price.once is not None:
        parts.append(f"{money(price.once, price.currency)} once")
    if price.stars:
        parts.append(f"{price.stars} Telegram Stars {'once' if plan.is_pack else 'every 30 days'}")
    return ", ".join(parts) or "free"


def limit_line(metric: str, window: str, limit: int | None, used: int, resets_at: datetime) -> str:
    if limit is None:
        return f"{metric}: {used} used, unlimited"
    left = max(limit - used, 0)
    return f"{metric} {WINDOW_WORDS.get(window, window)}: {used} of {limit} used, {left} left, resets {when(resets_at)}"


def reply_text(reply: Reply) -> str:
    """The agent's reply, and a last line in brackets when it ended early (its length limit, the content filter)."""
    return f"{reply.text}\n\n({reply.notice})" if reply.notice else reply.text


def usage_answer(plans: Sequence[tuple[str, list[LimitView]]]) -> Answer:
    if not plans:
        return Answer("You have no active plan yet. See /plans.")
    lines = []
    for code, limits in plans:
        lines.append(f"Plan {code}:")
        lines += [f"  {limit_line(v.metric, v.window, v.limit, v.used, v.resets_at)}" for v in limits] or [
            "  no limits"
        ]
    return Answer("\n".join(lines))


def plans_answer(plans: Sequence[Plan], held: set[str], buttons: Rows = (), note: str = "") -> Answer:
    """The plans with their prices, the buttons to buy with, and `note` when paying is not possible here."""
    if not plans:
        return Answer("There are no plans to buy at the moment.")
    lines = [f"{p.name} ({p.code}): {price_text(p)}" + (" - your plan" if p.code in held else "") for p in plans]
    return Answer("Plans:\n" + "\n".join(lines) + (f"\n\n{note}" if note else ""), buttons)


def agents_answer(choices: Sequence[tuple[Agent, Decision]], current: str | None) -> Answer:
    if not choices:
        return Answer("No agent is available yet.")
    lines, rows = [], []
    for agent, decision in choices:
        mark = " (current)" if agent.slug == current else ""
        if decision.allowed:
            lines.append(f"{agent.name}{mark}: {agent.description}".rstrip(": "))
            rows.append((Button(agent.name, f"agent:{agent.slug}"),))
        else:
            lines.append(f"{agent.name}: not available - {reason_text(decision)}")
    return Answer("Agents:\n" + "\n".join(lines), tuple(rows))


def reason_text(decision: Decision) -> str:
    code = decision.code
    if code is Reason.AGENT_NOT_IN_PLAN:
        return "your plan does not include this agent"
    if code is Reason.CHANNEL_NOT_ALLOWED:
        return "your plan does not include this messenger"
    if code in (Reason.NO_SUBSCRIPTION, Reason.SUBSCRIPTION_INACTIVE):
        return "you have no active plan"
    if code is Reason.USER_DISABLED:
        return "your account is disabled"
    if code is Reason.AGENT_UNAVAILABLE:
        return "this agent is not available right now"
    exhausted = [s for s in decision.limits if s.exhausted]
    if exhausted:
        return "; ".join(_exhausted_text(s) for s in exhausted)
    return decision.message


def _exhausted_text(state: LimitState) -> str:
    window = WINDOW_WORDS.get(state.window.value, state.window.value)
    if state.never_fits:
        return f"one answer needs more than the {state.limit} {state.metric.value} {window} your plan has"
    return f"you used all {state.limit} {state.metric.value} {window}; it resets {when(state.resets_at)}"


def denial_answer(decision: Decision, buttons: Rows = (), note: str = "") -> Answer:
    """Which limit, when it resets, and buttons to upgrade or buy a pack (or `note`: why paying is not possible)."""
    if decision.code in (Reason.RATE_LIMITED,):
        text = f"Slow down a little: {reason_text(decision)}."
    elif decision.code is Reason.QUOTA_EXCEEDED:
        text = f"Sorry, {reason_text(decision)}. Upgrade or buy a pack to keep going now."
    else:
        text = f"Sorry, I can't answer that: {reason_text(decision)}."
    if decision.code is Reason.USER_DISABLED:
        return Answer(text)
    return Answer(text + (f" {note}" if note else ""), buttons)


def error_answer(error: DomainError) -> Answer:
    """A failure nobody is charged for, in words."""
    if isinstance(error, LlmError):
        return Answer("The model could not answer right now; nothing was charged. Please try again in a moment.")
    if error.code == "attachments_not_supported":
        return Answer("This agent reads text only; please describe the picture in words.")
    if error.code == "input_too_long":
        return Answer("That message is too long for this agent to read; please send a shorter one.")
    return Answer(f"Sorry, that did not work: {error.message}.")
