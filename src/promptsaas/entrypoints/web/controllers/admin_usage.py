"""The console's usage report: grouped totals over a date range, on a page or as CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Template

from promptsaas.application.ports.repositories import UsageRow
from promptsaas.application.usage import GROUPS, UsageService
from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.users import User
from promptsaas.entrypoints.web.pages import micros, page
from promptsaas.entrypoints.web.paging import paginate
from promptsaas.entrypoints.web.session import admin_only, signed_user

PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=10_000)]
Text = Annotated[str | None, QueryParameter(max_length=100)]
Group = Annotated[str, QueryParameter(max_length=20)]
COLUMNS = ("key", "requests", "input_tokens", "output_tokens", "cost_micros", "errors")


def _day(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field} must be a date (YYYY-MM-DD), got {text!r}", field=field) from None


class AdminUsageController(Controller):
    include_in_schema = False
    path = "/admin/usage"
    guards = [admin_only]
    dependencies = {"user": Provide(signed_user)}

    @get("/")
    async def report(
        self,
        request: Request[Any, Any, Any],
        usage: NamedDependency[UsageService],
        user: NamedDependency[User],
        group_by: Group = "agent",
        since: Text = None,
        until: Text = None,
        page_number: PageNumber = 1,
    ) -> Template:
        rows = await _rows(usage, user, group_by, since, until)
        filters = {"group_by": group_by, "since": since or "", "until": until or ""}
        totals = UsageRow("total", *(sum(getattr(r, c) for r in rows) for c in COLUMNS[1:]))
        return page(
            request,
            "admin/usage.html",
            listing=paginate(rows, page_number),
            totals=totals,
            filters=filters,
            groups=GROUPS,
            query=urlencode(filters),
            micros=micros,
        )

    @get("/export.csv")
    async def export(
        self,
        usage: NamedDependency[UsageService],
        user: NamedDependency[User],
        group_by: Group = "agent",
        since: Text = None,
        until: Text = None,
    ) -> Response[bytes]:
        rows = await _rows(usage, user, group_by, since, until)
        out = io.StringIO()
        writer = csv.writer(out)
        by_user = group_by == "user"  # the email reads first; the id stays for a join
        writer.writerow([group_by, *COLUMNS[1:], *(["user_id"] if by_user else [])])
        writer.writerows([r.label, *(getattr(r, c) for c in COLUMNS[1:]), *([r.key] if by_user else [])] for r in rows)
        headers = {"Content-Disposition": f'attachment; filename="usage-by-{group_by}.csv"'}
        return Response(out.getvalue().encode(), media_type="text/csv; charset=utf-8", headers=headers)


async def _rows(usage: UsageService, user: User, group_by: str, since: str | None, until: str | None) -> list[UsageRow]:
    first, last = _day(since, "since"), _day(until, "until")
    start = datetime.combine(first, time(), UTC) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), UTC) if last else None
    return await usage.report(user.tenant_id, group_by=group_by, since=start, until=end)
