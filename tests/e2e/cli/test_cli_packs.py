"""`promptsaas subscription list` shows what each credit pack in force has left (in-process, shared platform)."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.e2e.cli.test_cli_inprocess import Cli, acme, as_json, cli, clock, ok, platform
from tests.support.catalogs import PACK

__all__ = ["acme", "cli", "clock", "platform"]  # the in-process fixtures this file reuses


def test_subscription_list_shows_each_packs_balance_and_expiry(acme: Cli, tmp_path: Path) -> None:
    pack_file = tmp_path / "pack.yaml"
    pack_file.write_text(yaml.safe_dump(PACK), encoding="utf-8")
    ok(acme("catalog", "apply", "--tenant", "acme", str(pack_file)))
    held = as_json(acme("--json", "subscription", "grant", "--tenant", "acme", "ann@example.com", "credits"))
    for _ in range(2):
        ok(acme("chat", "--tenant", "acme", "--as", "ann@example.com", "writer", "hi"))  # only the pack grants it
    granted = as_json(acme("--json", "subscription", "grant", "--tenant", "acme", "ann@example.com", "pro"))

    listed = {s["id"]: s for s in as_json(acme("--json", "subscription", "list", "--tenant", "acme"))}
    human = ok(acme("subscription", "list", "--tenant", "acme", "--user", "ann@example.com")).stdout

    assert listed[held["id"]]["balance"] == [
        {"metric": "requests", "window": "grant", "limit": 10, "used": 2, "remaining": 8}
    ]
    assert listed[held["id"]]["period_end"] == "2030-04-13T12:00:00+00:00"  # the pack's 30 days from the grant
    assert listed[granted["id"]]["balance"] is None
    assert "8/10 requests" in human
