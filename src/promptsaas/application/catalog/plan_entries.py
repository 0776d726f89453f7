"""A catalog's `plans:` entries: what each plan grants, its limits and its price."""

from __future__ import annotations

from promptsaas.application.catalog.schema import Node
from promptsaas.domain.bounds import MAX_DAYS, MAX_PRIORITY
from promptsaas.domain.channels import Channel
from promptsaas.domain.plans import Limit, Metric, Plan, PlanKind, PlanStatus, Price, Window

PLAN_KEYS = (
    "code",
    "name",
    "default",
    "agents",
    "channels",
    "limits",
    "byok",
    "retention_days",
    "trial_days",
    "priority",
    "price",
    "status",
    "public",
    "kind",
    "grace_days",
    "expires_days",
)
CHANNELS = tuple(c.value for c in Channel)
PRICE_KEYS = ("monthly", "yearly", "once", "currency", "stars")
MAX_STARS = 100_000
"""Telegram's ceiling for one Stars invoice (a larger one is refused when the invoice is made)."""
PRICE_ID_KEYS = ("stripe_monthly", "stripe_yearly", "stripe_once")


def read_plan(node: Node) -> Plan | None:
    """The plan (not yet of any tenant), or `None` with every problem recorded on `node`."""
    if not node.mapping(PLAN_KEYS, required=True):
        return None
    code = node.child("code").get(str, required=True)
    agents = _all_or_list(node.child("agents"))
    channels = _all_or_list(node.child("channels"), CHANNELS)
    limits = [lim for lim in (_limit(n) for n in node.child("limits").items()) if lim]
    price = _price(node.child("price"))
    if code is None:
        return None
    return node.build(
        lambda: Plan(
            id="",
            tenant_id="",
            code=code,
            name=node.child("name").name(code),
            agents=None if agents is None else frozenset(agents),
            channels=None if channels is None else frozenset(Channel(c) for c in channels),
            limits=tuple(limits),
            price=price,
            byok=node.child("byok").get(bool, False),
            retention_days=node.child("retention_days").count(maximum=MAX_DAYS),
            trial_days=node.child("trial_days").count(0, maximum=MAX_DAYS),
            priority=node.child("priority").number(int, MAX_PRIORITY, 0),
            status=PlanStatus(node.child("status").choice(("active", "archived"), "active")),
            public=node.child("public").get(bool, True),
            kind=PlanKind(node.child("kind").choice(tuple(k.value for k in PlanKind), "subscription")),
            grace_days=node.child("grace_days").count(maximum=MAX_DAYS),
            expires_days=node.child("expires_days").count(maximum=MAX_DAYS),
        )
    )


def _all_or_list(node: Node, options: tuple[str, ...] | None = None) -> list[str] | None:
    if not node.present or node.value == "all":
        return None
    if not isinstance(node.value, list):
        node.fail("must be 'all' or a list")
        return None
    out = []
    for item in node.items():
        value = item.choice(options, required=True) if options else item.get(str, required=True)
        if value is not None:
            out.append(value)
    return out


def _limit(node: Node) -> Limit | None:
    if not node.mapping(("metric", "window", "amount"), required=True):
        return None
    metric = node.child("metric").choice(tuple(m.value for m in Metric), required=True)
    window = node.child("window").choice(tuple(w.value for w in Window), required=True)
    amount = node.child("amount").count()
    if metric is None or window is None:
        return None
    return Limit(Metric(metric), Window(window), amount)


def _price(node: Node) -> Price | None:
    if not node.mapping(PRICE_KEYS + PRICE_ID_KEYS):
        return None
    ids = tuple((key, str(node.child(key).get(str, ""))) for key in PRICE_ID_KEYS if node.child(key).present)
    return Price(
        node.child("monthly").count(),
        node.child("yearly").count(),
        node.child("currency").get(str, "usd").lower(),
        ids,
        node.child("once").count(),
        node.child("stars").count(maximum=MAX_STARS),
    )
