"""The operator console's dashboard: calls, tokens, cost, errors and denials by code per day over 30 days, revenue
per month over a year, and the top agents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.response import Template

from promptsaas.application.billing.revenue import RevenueReport, RevenueService
from promptsaas.application.ports.repositories import DenialCount
from promptsaas.application.usage import UsageService
from promptsaas.domain.billing import money_text
from promptsaas.domain.users import User
from promptsaas.entrypoints.web.charts import Chart, bar_chart, days, months
from promptsaas.entrypoints.web.pages import micros, page
from promptsaas.entrypoints.web.session import admin_only, signed_user

WINDOW_DAYS = 30
REVENUE_MONTHS = 12
TOP_AGENTS = 5


class AdminDashboardController(Controller):
    include_in_schema = False
    guards = [admin_only]
    dependencies = {"user": Provide(signed_user)}

    @get("/admin")
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        usage: NamedDependency[UsageService],
        revenue: NamedDependency[RevenueService],
        user: NamedDependency[User],
    ) -> Template:
        now = datetime.now(UTC)
        first = now.date() - timedelta(days=WINDOW_DAYS - 1)
        since = datetime.combine(first, time(), UTC)
        per_day = {r.key: r for r in await usage.report(user.tenant_id, group_by="day", since=since)}
        by_agent = await usage.report(user.tenant_id, group_by="agent", since=since)
        denied = await usage.denials_per_day(user.tenant_id, since)
        month_labels = months(now.date(), REVENUE_MONTHS)
        year_ago = datetime.strptime(month_labels[0], "%Y-%m").replace(tzinfo=UTC)
        sales = await revenue.report(user.tenant_id, since=year_ago, group_by="month")
        labels = days(first, WINDOW_DAYS)
        rows = [per_day.get(label) for label in labels]
        calls = [r.requests if r else 0 for r in rows]
        tokens = [r.input_tokens + r.output_tokens if r else 0 for r in rows]
        cost = [r.cost_micros if r else 0 for r in rows]
        errors = [r.errors if r else 0 for r in rows]
        charts = [
            bar_chart("Calls per day", labels, calls),
            bar_chart("Tokens per day", labels, tokens),
            bar_chart("Cost per day", labels, cost, lambda v: micros(int(v))),
            bar_chart("Failed calls per day", labels, errors, tone="bad"),
            *_denial_charts(denied, labels),
            *_revenue_charts(sales, month_labels),
        ]
        top = sorted(by_agent, key=lambda r: (-r.requests, r.key))[:TOP_AGENTS]
        tiles = {
            "Calls": f"{sum(calls):,}",
            "Tokens": f"{sum(tokens):,}",
            "Cost": micros(sum(cost)),
            "Failed calls": f"{sum(errors):,}",
            "Denied calls": f"{sum(d.count for d in denied):,}",
        }
        return page(
            request, "admin/dashboard.html", charts=charts, top=top, tiles=tiles, days=WINDOW_DAYS, micros=micros
        )


def _denial_charts(denied: list[DenialCount], labels: list[str]) -> list[Chart]:
    """One chart per denial code (the policy's reason), most frequent first; one empty chart when none."""
    per_code: dict[str, dict[str, int]] = defaultdict(dict)
    for d in denied:
        per_code[d.code][d.day] = d.count
    if not per_code:
        return [bar_chart("Denied calls per day", labels, [0] * len(labels), tone="bad")]
    ranked = sorted(per_code.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return [
        bar_chart(f"Denied per day: {code}", labels, [counts.get(day, 0) for day in labels], tone="bad")
        for code, counts in ranked
    ]


def _revenue_charts(report: RevenueReport, labels: list[str]) -> list[Chart]:
    """Net revenue (charges less refunds) per month, one chart per currency; one empty chart when nothing sold."""
    per_currency: dict[str, dict[str, int]] = defaultdict(dict)
    for line in report.lines:
        per_currency[line.currency][line.group] = line.net
    if not per_currency:
        return [bar_chart("Revenue per month", labels, [0] * len(labels))]
    return [
        bar_chart(
            f"Revenue per month ({currency.upper()})",
            labels,
            [nets.get(month, 0) for month in labels],
            _money(currency.upper()),
        )
        for currency, nets in sorted(per_currency.items())
    ]


def _money(currency: str) -> Callable[[float], str]:
    """Minor units as an amount in `currency`."""
    return lambda v: money_text(v, currency)
