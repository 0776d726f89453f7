"""The operator console's dashboard: calls, tokens, cost and errors per day over 30 days, and the top agents."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.response import Template

from promptsaas.application.usage import UsageService
from promptsaas.domain.users import User
from promptsaas.entrypoints.web.charts import bar_chart, days
from promptsaas.entrypoints.web.pages import micros, page
from promptsaas.entrypoints.web.session import admin_only, signed_user

WINDOW_DAYS = 30
TOP_AGENTS = 5


class AdminDashboardController(Controller):
    include_in_schema = False
    guards = [admin_only]
    dependencies = {"user": Provide(signed_user)}

    @get("/admin")
    async def dashboard(
        self, request: Request[Any, Any, Any], usage: NamedDependency[UsageService], user: NamedDependency[User]
    ) -> Template:
        today = datetime.now(UTC).date()
        first = today - timedelta(days=WINDOW_DAYS - 1)
        since = datetime.combine(first, time(), UTC)
        per_day = {r.key: r for r in await usage.report(user.tenant_id, group_by="day", since=since)}
        by_agent = await usage.report(user.tenant_id, group_by="agent", since=since)
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
        ]
        top = sorted(by_agent, key=lambda r: (-r.requests, r.key))[:TOP_AGENTS]
        tiles = {
            "Calls": f"{sum(calls):,}",
            "Tokens": f"{sum(tokens):,}",
            "Cost": micros(sum(cost)),
            "Failed calls": f"{sum(errors):,}",
        }
        return page(
            request, "admin/dashboard.html", charts=charts, top=top, tiles=tiles, days=WINDOW_DAYS, micros=micros
        )
