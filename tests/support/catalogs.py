"""Catalog pieces several test suites sell: the credit pack (10 requests, kept 30 days, $5 once)."""

from __future__ import annotations

from typing import Any

CREDIT_PACK: dict[str, Any] = {
    "code": "credits",
    "name": "Credit pack",
    "kind": "pack",
    "agents": "all",
    "expires_days": 30,
    "limits": [{"metric": "requests", "window": "grant", "amount": 10}],
    "price": {"once": 500, "currency": "usd"},
}
PACK: dict[str, Any] = {"plans": [CREDIT_PACK]}
"""A catalog document adding only the credit pack."""
