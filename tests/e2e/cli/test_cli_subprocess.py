"""`promptsaas` as an operator runs it: the installed console script, one process per command, on a real database
(a SQLite file, and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.cli.conftest import CATALOG, Cli, child_env, promptsaas

pytestmark = pytest.mark.slow


def test_a_new_sqlite_file_is_created_and_migrated_on_first_use(sqlite_cli: Cli) -> None:
    assert sqlite_cli("--json", "db", "current").json()["revision"] is None
    assert sqlite_cli("--json", "tenant", "list").json() == []
    state = sqlite_cli("--json", "db", "current").json()
    assert state["up_to_date"] is True
    assert "already current" in sqlite_cli("db", "upgrade").ok().stdout


def test_an_empty_postgres_database_is_refused_until_db_upgrade(postgres_cli: Cli) -> None:
    message = postgres_cli("tenant", "list").failed()
    assert "database_not_migrated" in message
    assert "promptsaas db upgrade" in message
    assert postgres_cli("--json", "db", "current").json()["up_to_date"] is False
    upgraded = postgres_cli("--json", "db", "upgrade").json()
    assert upgraded["from"] is None
    assert upgraded["to"] == postgres_cli("--json", "db", "current").json()["revision"]
    assert postgres_cli("--json", "tenant", "list").json() == []


def test_an_unusable_database_is_one_line_and_exit_1(pycache: str, tmp_path: Path) -> None:
    missing_dir = promptsaas(child_env(pycache), "--database-url", f"sqlite:///{tmp_path}/no/such/dir/x.db")
    assert "database_unavailable" in missing_dir("tenant", "list").failed()
    unsupported = promptsaas(child_env(pycache), "--database-url", "mysql://host/db")
    assert "only sqlite and postgresql are supported" in unsupported("tenant", "list").failed()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_operator_story_on_a_real_database(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, prompt_file: Path
) -> None:
    cli: Cli = request.getfixturevalue(f"{backend}_cli")
    cli("db", "upgrade").ok()
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CATALOG.replace("retention_days: 30", "retention_days: 0"), encoding="utf-8")

    assert "created tenant acme" in cli("tenant", "create", "acme", "--name", "Acme Inc.").ok().stdout
    applied = cli("--json", "catalog", "apply", "--tenant", "acme", str(catalog)).json()
    assert "plan free" in applied["changes"]
    assert cli("--json", "catalog", "apply", "--tenant", "acme", str(catalog)).json()["changes"] == []
    cli("user", "create", "--tenant", "acme", "ann@example.com", "--password-stdin", input="correct horse\n").ok()
    assert [u["email"] for u in cli("--json", "user", "list", "--tenant", "acme").json()] == ["ann@example.com"]

    # chat until the free plan (3 requests a day) denies: exit 3 with the reason and when it resets
    ask = ("chat", "--tenant", "acme", "--as", "ann@example.com", "tutor")
    first = cli(*ask, "What is 2+2?", "--var", "level=expert").ok().stdout
    assert "remaining 2/3 requests per day" in first
    conversation = first.split("conversation ")[-1].strip(" ]\n")
    cli(*ask, "And 3+3?", "--conversation", conversation).ok()
    assert cli("--json", *ask, "Why?").json()["limits"][0]["remaining"] == 0
    denied = cli(*ask, "One more")
    assert denied.code == 3
    assert "denied: quota_exceeded" in denied.stderr
    assert "resets at" in denied.stderr

    # a granted plan lifts the denial; canceling it brings the denial back
    granted = cli("--json", "subscription", "grant", "--tenant", "acme", "ann@example.com", "pro").json()
    assert "remaining" in cli(*ask, "Now?").ok().stdout
    cli("subscription", "cancel", "--tenant", "acme", granted["id"]).ok()
    subs = cli("--json", "subscription", "list", "--tenant", "acme").json()
    assert [(s["plan"], s["status"]) for s in subs] == [("pro", "canceled")]
    assert cli(*ask, "Still?").code == 3

    # prompt push, activate, rollback, diff
    pushed = cli("--json", "prompt", "push", "--tenant", "acme", "tutor", "--file", str(prompt_file)).json()
    assert (pushed["version"], pushed["status"]) == (2, "draft")
    cli("prompt", "activate", "--tenant", "acme", "tutor", "2").ok()
    assert cli("--json", "agent", "show", "--tenant", "acme", "tutor").json()["active_version"] == 2
    assert "rolled back to v1" in cli("prompt", "rollback", "--tenant", "acme", "tutor").ok().stdout
    versions = cli("--json", "prompt", "list", "--tenant", "acme", "tutor").json()
    assert [(v["version"], v["status"]) for v in versions] == [(1, "active"), (2, "archived")]
    assert (
        "+  You are a {{ level }} math tutor. Be brief."
        in cli("prompt", "diff", "--tenant", "acme", "tutor", "1", "2").ok().stdout
    )

    # usage, audit, quota, export
    usage = cli("--json", "usage", "--tenant", "acme", "--group-by", "plan").json()
    assert {u["key"]: u["requests"] for u in usage} == {"free": 3, "pro": 1}
    actions = [e["action"] for e in cli("--json", "audit", "--tenant", "acme", "--limit", "4").json()]
    assert actions == ["prompt.rollback", "prompt.activate", "prompt.create", "subscription.cancel"]
    assert cli("quota", "reconcile").ok().stdout.startswith("counters agree")
    assert "released 0" in cli("quota", "sweep").ok().stdout
    exported = tmp_path / "exported.yaml"
    exported.write_text(cli("catalog", "export", "--tenant", "acme").ok().stdout, encoding="utf-8")
    assert cli("--json", "catalog", "apply", "--tenant", "acme", str(exported)).json()["changes"] == []

    # bad input changes nothing
    before = cli("--json", "audit", "--tenant", "acme", "--limit", "1000").json()
    assert "agent 'ghost' not found" in cli("prompt", "activate", "--tenant", "acme", "ghost", "1").failed()
    assert "cannot read catalog file" in cli("catalog", "apply", "--tenant", "acme", str(tmp_path / "no.yaml")).failed()
    assert (
        "plan 'gold' not found" in cli("subscription", "grant", "--tenant", "acme", "ann@example.com", "gold").failed()
    )
    assert cli("--json", "audit", "--tenant", "acme", "--limit", "1000").json() == before

    # purge: the free plan now keeps nothing, so all of ann's messages go; usage records stay
    assert cli("--json", "purge", "--dry-run").json() == [{"tenant": "acme", "messages": 8, "dry_run": True}]
    assert "deleted 8 message(s)" in cli("purge").ok().stdout
    assert cli("--json", "purge", "--dry-run").json()[0]["messages"] == 0
    assert sum(u["requests"] for u in cli("--json", "usage", "--tenant", "acme").json()) == 4


def test_demo_then_an_interactive_chat(sqlite_cli: Cli) -> None:
    demo = sqlite_cli("--json", "demo").json()
    member = next(u for u in demo["users"] if u["role"] == "member")
    assert sqlite_cli("--json", "demo").json()["catalog_changes"] == []
    session = sqlite_cli("chat", "--tenant", "demo", "--as", member["email"], "tutor", input="What is 2+2?\nAnd 3+3?\n")
    summaries = [line for line in session.ok().stdout.splitlines() if line.startswith("[tokens")]
    assert len(summaries) == 2
    assert summaries[0].split("conversation ")[1] == summaries[1].split("conversation ")[1]
    assert "remaining 3/5 requests per day" in summaries[1]


def test_under_json_every_line_of_stderr_is_json_warnings_included(sqlite_cli: Cli) -> None:
    """Without an encryption key set, opening the platform warns that a development key is in use."""
    member = next(u for u in sqlite_cli("--json", "demo").json()["users"] if u["role"] == "member")

    chat = sqlite_cli("--json", "chat", "--tenant", "demo", "--as", member["email"], "tutor", "What is 2+2?").ok()

    lines = [json.loads(line) for line in chat.stderr.splitlines()]
    assert {"level": "warning", "logger": "promptsaas.security"}.items() <= lines[0].items()
    assert "PROMPTSAAS_ENCRYPTION_KEY is not set" in lines[0]["message"]
    assert json.loads(chat.stdout)["text"] == "You said: What is 2+2?"
    denied = sqlite_cli("--json", "chat", "--tenant", "demo", "--as", member["email"], "writer", "hi")
    assert denied.code == 3
    objects = [json.loads(line) for line in denied.stderr.splitlines()]
    assert [o["code"] for o in objects if "code" in o] == ["agent_not_in_plan"]
