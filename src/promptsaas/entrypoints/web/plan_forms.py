"""A plan's edit form to and from what `PlanService.update` takes: limits as lines such as `5 requests per day`."""

from __future__ import annotations

import re
from typing import Any

from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.plans import Limit, Metric, Plan, PlanStatus, Window
from promptsaas.entrypoints.web.forms import whole_number

LINE = re.compile(r"^(\d+|unlimited)\s+(\w+)\s+per\s+([\w ]+)$")


def limit_text(limits: tuple[Limit, ...]) -> str:
    """The plan's limits, one a line, as the form shows them and reads them back."""
    lines = []
    for lim in limits:
        amount = "unlimited" if lim.amount is None else str(lim.amount)
        lines.append(f"{amount} {lim.metric.value} per {lim.window.value.replace('_', ' ')}")
    return "\n".join(lines)


def read_limits(text: str) -> tuple[Limit, ...]:
    """Lines `<amount|unlimited> <requests|tokens> per <minute|hour|day|month|billing period|grant>`."""
    limits = []
    for raw in text.splitlines():
        line = " ".join(raw.split()).lower()
        if not line:
            continue
        found = LINE.match(line)
        metrics, windows = {m.value for m in Metric}, {w.value for w in Window}
        window = found.group(3).replace(" ", "_") if found else ""
        if not found or found.group(2) not in metrics or window not in windows:
            raise InvalidInput(
                f"limit {raw.strip()!r} is not '<amount|unlimited> <requests|tokens> per <window>' "
                f"with a window of {', '.join(sorted(w.replace('_', ' ') for w in windows))}",
                field="limits",
            )
        amount = None if found.group(1) == "unlimited" else whole_number(found.group(1), "limits")
        limits.append(Limit(Metric(found.group(2)), Window(window), amount))
    return tuple(limits)


def plan_changes(form: dict[str, str]) -> dict[str, Any]:
    """The fields of `PlanService.update` the form sets (the same ones `PATCH /v1/admin/plans/{code}` takes, price
    excepted); checkboxes absent from the form are off."""
    status = form.get("status", "")
    if status not in {s.value for s in PlanStatus}:
        raise InvalidInput(f"status must be one of {[s.value for s in PlanStatus]}", field="status")
    return {
        **({"name": form["name"].strip()} if "name" in form else {}),
        "public": "public" in form,
        "byok": "byok" in form,
        "status": PlanStatus(status),
        "retention_days": whole_number(form.get("retention_days", ""), "retention_days"),
        "priority": whole_number(form.get("priority", ""), "priority") or 0,
        "limits": read_limits(form.get("limits", "")),
    }


def split_kinds(plans: list[Plan]) -> tuple[list[Plan], list[Plan]]:
    """Subscription plans, then packs."""
    return [p for p in plans if not p.is_pack], [p for p in plans if p.is_pack]
