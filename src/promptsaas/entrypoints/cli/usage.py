"""`promptsaas usage`: requests, tokens, cost and errors, grouped by agent, user, plan, day or model."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from promptsaas.entrypoints.cli.options import Tenant
from promptsaas.entrypoints.cli.output import Row, usd
from promptsaas.entrypoints.cli.session import session

if TYPE_CHECKING:
    from promptsaas.application.ports.repositories import UsageRow
    from promptsaas.domain.usage import UsageRecord

CALL_COLUMNS = (
    "created_at",
    "request_id",
    "agent",
    "channel",
    "outcome",
    "finish_reason",
    "input_tokens",
    "output_tokens",
    "cost",
)
COLUMNS = ("key", "requests", "input_tokens", "output_tokens", "cost", "errors")


class GroupBy(StrEnum):
    AGENT = "agent"
    USER = "user"
    PLAN = "plan"
    DAY = "day"
    MODEL = "model"


def command(
    ctx: typer.Context,
    tenant: Tenant,
    user: Annotated[
        str | None, typer.Option("--user", metavar="EMAIL", help="Only this user's calls (by email).")
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(metavar="YYYY-MM-DD", help="From this day on (UTC).", formats=["%Y-%m-%d"])
    ] = None,
    group_by: Annotated[GroupBy, typer.Option("--group-by", help="How to group the calls.")] = GroupBy.AGENT,
    request_id: Annotated[
        str | None,
        typer.Option("--request-id", metavar="ID", help="Instead: the calls of one request (its log lines' id)."),
    ] = None,
) -> None:
    """A usage report of the tenant (cost in USD; errors are failed calls, which charge nothing)."""
    s = session(ctx)
    if request_id is not None:
        calls = s.run(lambda p: p.tenant(tenant).calls_of_request(request_id))
        s.out.rows([call_row(c) for c in calls], CALL_COLUMNS, human=human)
        return
    start = since.replace(tzinfo=UTC) if since else None

    rows = s.run(lambda p: p.tenant(tenant).usage_report(group_by.value, since=start, user=user))
    s.out.rows([row(r, group_by) for r in rows], COLUMNS, human=human)


def row(usage: UsageRow, group_by: GroupBy) -> dict[str, object]:
    """Grouped by user, `key` is the email (the id for a user without one) and `user_id` the id."""
    by_user = {"user_id": usage.key} if group_by is GroupBy.USER else {}
    return {
        "key": usage.label,
        **by_user,
        "group_by": group_by.value,
        "requests": usage.requests,
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cost_micros": usage.cost_micros,
        "errors": usage.errors,
    }


def call_row(record: UsageRecord) -> dict[str, object]:
    return {
        "created_at": record.created_at,
        "request_id": record.request_id,
        "agent": record.agent_slug,
        "channel": record.channel.value,
        "outcome": record.outcome.value,
        "error_code": record.error_code,
        "finish_reason": record.finish_reason.value if record.finish_reason else None,
        "input_tokens": record.input_tokens,
        "output_tokens": record.output_tokens,
        "cost_micros": record.cost_micros,
        "id": record.id,
    }


def human(r: Row) -> Row:
    return {**r, "cost": usd(int(r["cost_micros"]))}
