"""The operator CLI in-process (typer's CliRunner) on one in-memory platform shared by every invocation."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from dependency_injector import providers
from typer.testing import CliRunner

from promptsaas.entrypoints.cli import main
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform

NOON = datetime(2030, 3, 14, 12, 0, tzinfo=UTC)
Cli = Callable[..., Result]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now_ = now

    def now(self) -> datetime:
        return self.now_


@pytest.fixture
def clock() -> Clock:
    return Clock(NOON)


@pytest.fixture
def platform(clock: Clock) -> AsyncPlatform:
    platform = AsyncPlatform.in_memory(
        Settings(database_url="memory://", password_memory_kib=1024, password_time_cost=1)
    )
    platform.container.clock.override(providers.Object(clock))
    return platform


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, platform: AsyncPlatform) -> Cli:
    """`cli("tenant", "list", input=...)`: one `promptsaas` invocation against the shared platform."""

    @asynccontextmanager
    async def shared(database_url: str) -> AsyncIterator[AsyncPlatform]:
        yield platform

    monkeypatch.setattr(main, "opener", shared)
    monkeypatch.setenv("PROMPTSAAS_DATABASE_URL", "memory://")  # what the shared platform is: nothing on disk
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main.app, list(args), input=input)

    return invoke


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def failed(result: Result, code: int = 1) -> str:
    """The one-line error of a failed command."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    message = result.stderr.strip()
    assert message
    assert "\n" not in message, message
    return message


@pytest.fixture
def acme(cli: Cli, catalog_file: Path) -> Cli:
    """Tenant acme with the story catalog and a member, ann (password read from stdin)."""
    ok(cli("tenant", "create", "acme", "--name", "Acme Inc."))
    ok(cli("catalog", "apply", "--tenant", "acme", str(catalog_file)))
    ok(cli("user", "create", "--tenant", "acme", "ann@example.com", "--password-stdin", input="correct horse\n"))
    return cli


def chat(cli: Cli, *args: str, input: str | None = None) -> Result:
    return cli("chat", "--tenant", "acme", "--as", "ann@example.com", "tutor", *args, input=input)


def test_the_operator_story_from_tenant_to_purge(acme: Cli, prompt_file: Path, tmp_path: Path, clock: Clock) -> None:
    cli = acme
    assert [t["slug"] for t in as_json(cli("--json", "tenant", "list"))] == ["acme"]
    agents = {a["slug"]: a for a in as_json(cli("--json", "agent", "list", "--tenant", "acme"))}
    assert agents["tutor"]["active_version"] == 1
    plans = {p["code"]: p for p in as_json(cli("--json", "plan", "list", "--tenant", "acme"))}
    assert plans["free"]["default"] is True
    assert plans["free"]["limits"] == [{"metric": "requests", "window": "day", "amount": 3}]

    # the free plan allows 3 requests a day: the fourth is denied with the reason and when it resets
    first = ok(chat(cli, "What is 2+2?", "--var", "level=expert"))
    assert "You are a expert math tutor." in first.stdout or "2+2" in first.stdout
    assert "remaining 2/3 requests per day" in first.stdout
    conversation = first.stdout.split("conversation ")[-1].strip(" ]\n")
    ok(chat(cli, "And 3+3?", "--conversation", conversation))
    reply = as_json(cli("--json", "chat", "--tenant", "acme", "--as", "ann@example.com", "tutor", "Why?"))
    assert reply["text"].endswith("Why?")  # the name the library (`Reply.text`) and HTTP runs use
    assert reply["limits"][0]["remaining"] == 0
    denied = chat(cli, "One too many")
    assert denied.exit_code == 3
    assert "quota_exceeded" in denied.stderr
    assert "resets at 2030-03-15 00:00:00 UTC" in denied.stderr

    # a granted plan lifts the denial
    granted = as_json(
        cli("--json", "subscription", "grant", "--tenant", "acme", "ann@example.com", "pro", "--days", "30")
    )
    assert granted["plan"] == "pro"
    assert "remaining 999" in ok(chat(cli, "Now?", "--style", "concise")).stdout
    subs = as_json(cli("--json", "subscription", "list", "--tenant", "acme", "--user", "ann@example.com"))
    assert [(s["plan"], s["user"], s["status"]) for s in subs] == [("pro", "ann@example.com", "active")]

    # prompt push (a draft), activate, rollback, diff
    pushed = as_json(cli("--json", "prompt", "push", "--tenant", "acme", "tutor", "--file", str(prompt_file)))
    assert (pushed["version"], pushed["status"], pushed["note"]) == (2, "draft", "shorter answers")
    assert "v2 is active" in ok(cli("prompt", "activate", "--tenant", "acme", "tutor", "2")).stdout
    assert (
        as_json(cli("--json", "chat", "--tenant", "acme", "--as", "ann@example.com", "tutor", "Hi"))["prompt_version"]
        == 2
    )
    assert "rolled back to v1" in ok(cli("prompt", "rollback", "--tenant", "acme", "tutor")).stdout
    versions = as_json(cli("--json", "prompt", "list", "--tenant", "acme", "tutor"))
    assert [(v["version"], v["status"]) for v in versions] == [(1, "active"), (2, "archived")]
    diff = ok(cli("prompt", "diff", "--tenant", "acme", "tutor", "1", "2")).stdout
    assert "-  You are a {{ level }} math tutor." in diff
    assert "+  You are a {{ level }} math tutor. Be brief." in diff
    assert as_json(cli("--json", "prompt", "diff", "--tenant", "acme", "tutor", "1", "2"))["diff"] == diff

    # usage and audit
    usage = as_json(cli("--json", "usage", "--tenant", "acme"))
    assert [(u["key"], u["requests"], u["errors"]) for u in usage] == [("tutor", 5, 0)]
    by_plan = {
        u["key"]: u["requests"] for u in as_json(cli("--json", "usage", "--tenant", "acme", "--group-by", "plan"))
    }
    assert by_plan == {"free": 3, "pro": 2}
    by_user = as_json(cli("--json", "usage", "--tenant", "acme", "--group-by", "user", "--user", "ann@example.com"))
    ann = next(u for u in as_json(cli("--json", "user", "list", "--tenant", "acme")) if u["email"] == "ann@example.com")
    assert [(u["key"], u["user_id"]) for u in by_user] == [("ann@example.com", ann["id"])]
    assert as_json(cli("--json", "usage", "--tenant", "acme", "--since", "2030-03-15")) == []
    actions = [e["action"] for e in as_json(cli("--json", "audit", "--tenant", "acme", "--limit", "5"))]
    assert actions[:4] == ["prompt.rollback", "prompt.activate", "prompt.create", "subscription.grant"]

    # purge: 31 days on, pro has expired and free keeps 30 days, so all of ann's messages go
    clock.now_ = NOON + timedelta(days=31)
    dry = as_json(cli("--json", "purge", "--dry-run"))
    assert dry == [{"tenant": "acme", "messages": 10, "dry_run": True}]
    assert "deleted 10 message(s) in 1 tenant(s)" in ok(cli("purge")).stdout
    assert as_json(cli("--json", "purge", "--dry-run"))[0]["messages"] == 0
    assert as_json(cli("--json", "usage", "--tenant", "acme"))[0]["requests"] == 5  # usage records are kept


def test_purge_keeps_content_within_the_longest_retention_of_a_users_plans(acme: Cli, clock: Clock) -> None:
    cli = acme
    ok(cli("user", "create", "--tenant", "acme", "bob@example.com"))
    ok(cli("subscription", "grant", "--tenant", "acme", "bob@example.com", "pro"))
    ok(chat(cli, "Hi"))
    ok(cli("chat", "--tenant", "acme", "--as", "bob@example.com", "writer", "Hi", "--var", "words=20"))
    clock.now_ = NOON + timedelta(days=40)
    assert as_json(cli("--json", "purge", "--dry-run"))[0]["messages"] == 2  # ann's two; bob's pro keeps 365 days
    clock.now_ = NOON + timedelta(days=400)
    assert as_json(cli("--json", "purge", "--dry-run"))[0]["messages"] == 4


def test_interactive_chat_keeps_the_conversation_until_quit(acme: Cli) -> None:
    result = ok(chat(acme, input="What is 2+2?\n\nAnd 3+3?\n/quit\nnever sent\n"))
    summaries = [line for line in result.stdout.splitlines() if line.startswith("[tokens")]
    assert len(summaries) == 2
    assert len({line.split("conversation ")[1] for line in summaries}) == 1
    assert "remaining 1/3 requests per day" in summaries[1]
    assert "never sent" not in result.stdout


def test_interactive_chat_ends_with_exit_3_when_denied(acme: Cli) -> None:
    result = chat(acme, input="one\ntwo\nthree\nfour\n")
    assert result.exit_code == 3
    assert result.stdout.count("[tokens") == 3
    assert "denied: quota_exceeded" in result.stderr


def test_catalog_export_round_trips_through_apply(acme: Cli, tmp_path: Path) -> None:
    cli = acme
    exported = ok(cli("catalog", "export", "--tenant", "acme")).stdout
    document = yaml.safe_load(exported)
    assert [a["slug"] for a in document["agents"]] == ["tutor", "writer"]
    assert document["plans"][0]["default"] is True
    path = tmp_path / "exported.yaml"
    path.write_text(exported, encoding="utf-8")
    applied = as_json(cli("--json", "catalog", "apply", "--tenant", "acme", str(path)))
    assert applied == {"tenant": "acme", "changes": []}
    ok(cli("tenant", "create", "copy"))
    ok(cli("catalog", "apply", "--tenant", "copy", str(path)))
    assert yaml.safe_load(ok(cli("catalog", "export", "--tenant", "copy")).stdout) == document
    assert as_json(cli("--json", "catalog", "export", "--tenant", "copy")) == document


def test_demo_is_idempotent_and_prints_the_credentials(cli: Cli) -> None:
    first = as_json(cli("--json", "demo"))
    assert first["created"] is True
    assert {u["email"] for u in first["users"]} == {"admin@demo.example", "member@demo.example"}
    again = as_json(cli("--json", "demo"))
    assert (again["created"], again["catalog_changes"]) == (False, [])
    assert "already set up" in ok(cli("demo")).stdout
    assert len(as_json(cli("--json", "user", "list", "--tenant", "demo"))) == 2
    assert {a["slug"] for a in as_json(cli("--json", "agent", "list", "--tenant", "demo"))} == {
        "tutor",
        "writer",
        "translator",
    }
    reply = ok(cli("chat", "--tenant", "demo", "--as", "member@demo.example", "tutor", "What is 2+2?"))
    assert "remaining 4/5 requests per day" in reply.stdout


def test_agents_publish_and_retire(acme: Cli) -> None:
    cli = acme
    assert "agent writer is retired" in ok(cli("agent", "retire", "--tenant", "acme", "writer")).stdout
    shown = as_json(cli("--json", "agent", "show", "--tenant", "acme", "writer"))
    assert (shown["status"], shown["active_version"]) == ("retired", 1)
    ok(cli("subscription", "grant", "--tenant", "acme", "ann@example.com", "pro"))
    denied = cli("chat", "--tenant", "acme", "--as", "ann@example.com", "writer", "Hi")
    assert denied.exit_code == 3
    assert "agent_unavailable" in denied.stderr
    ok(cli("agent", "publish", "--tenant", "acme", "writer"))
    ok(cli("chat", "--tenant", "acme", "--as", "ann@example.com", "writer", "Hi"))


def test_human_output_is_a_readable_table(acme: Cli) -> None:
    out = ok(acme("plan", "list", "--tenant", "acme")).stdout
    assert "code" in out.splitlines()[0]
    assert "3 requests/day" in out
    users = ok(acme("user", "list", "--tenant", "acme")).stdout
    assert "ann@example.com" in users
    quota = ok(acme("quota", "sweep")).stdout
    assert "released 0 expired reservation(s)" in quota


def test_quota_counters_reconcile_with_usage_records(acme: Cli) -> None:
    ok(chat(acme, "Hi"))
    assert ok(acme("quota", "reconcile", "--tenant", "acme")).stdout.startswith("counters agree")
    assert as_json(acme("--json", "quota", "reconcile")) == []
    assert as_json(acme("--json", "quota", "rebuild", "--tenant", "acme")) == {"tenant": "acme", "changed": 0}
    assert "tenant 'nobody' not found" in failed(acme("quota", "reconcile", "--tenant", "nobody"))


def test_a_drifted_counter_is_reported_with_exit_1_until_rebuilt(acme: Cli, platform: AsyncPlatform) -> None:
    ok(chat(acme, "Hi"))
    counters = platform.container.store().counters
    key = next(iter(counters))
    counters[key] = replace(counters[key], used=counters[key].used + 5)

    drifted = acme("--json", "quota", "reconcile", "--tenant", "acme")
    assert drifted.exit_code == 1
    [drift] = json.loads(drifted.stdout)
    assert (drift["metric"], drift["window"], drift["used"], drift["expected_used"]) == ("requests", "day", 6, 1)
    assert "1 counter(s) differ" in acme("quota", "reconcile").stdout
    assert as_json(acme("--json", "quota", "rebuild", "--tenant", "acme"))["changed"] == 1
    assert ok(acme("quota", "reconcile")).stdout.startswith("counters agree")


def snapshot(cli: Cli) -> tuple[Any, ...]:
    """What an operator can see of tenant acme: a failed command must leave all of it unchanged."""
    return (
        as_json(cli("--json", "tenant", "list")),
        as_json(cli("--json", "catalog", "export", "--tenant", "acme")),
        as_json(cli("--json", "prompt", "list", "--tenant", "acme", "tutor")),
        as_json(cli("--json", "user", "list", "--tenant", "acme")),
        as_json(cli("--json", "subscription", "list", "--tenant", "acme")),
        as_json(cli("--json", "audit", "--tenant", "acme", "--limit", "1000")),
        as_json(cli("--json", "usage", "--tenant", "acme")),
    )


BAD_INPUT = [
    # (arguments, what the one-line message must name)
    (["tenant", "create", "acme"], "tenant 'acme' already exists"),
    (["tenant", "create", "Not A Slug"], "slug 'Not A Slug'"),
    (["catalog", "apply", "--tenant", "acme", "{missing}"], "cannot read catalog file"),
    (["catalog", "apply", "--tenant", "acme", "{not_yaml}"], "is not valid YAML"),
    (["catalog", "apply", "--tenant", "acme", "{bad_catalog}"], "agents[0].prompt.model: unknown model 'nope:nope'"),
    (
        ["catalog", "apply", "--tenant", "acme", "{gemini_catalog}"],
        "agents[0].prompt.model: model 'gemini:gemini-2.5-flash' needs provider 'gemini', which is not configured "
        "in this deployment (configured: anthropic, offline, openai)",
    ),
    (["catalog", "apply", "--tenant", "nobody", "{catalog}"], "tenant 'nobody' not found"),
    (["catalog", "export", "--tenant", "nobody"], "tenant 'nobody' not found"),
    (["tenant", "suspend", "nobody"], "tenant 'nobody' not found"),
    (["agent", "list", "--tenant", "nobody"], "tenant 'nobody' not found"),
    (["agent", "show", "--tenant", "acme", "ghost"], "agent 'ghost' not found"),
    (["agent", "publish", "--tenant", "acme", "ghost"], "agent 'ghost' not found"),
    (["agent", "retire", "--tenant", "acme", "ghost"], "agent 'ghost' not found"),
    (["prompt", "list", "--tenant", "acme", "ghost"], "agent 'ghost' not found"),
    (["prompt", "push", "--tenant", "acme", "tutor", "--file", "{missing}"], "cannot read catalog file"),
    (["prompt", "push", "--tenant", "acme", "tutor", "--file", "{bad_prompt}"], "undeclared variable 'tone'"),
    (["prompt", "push", "--tenant", "acme", "ghost", "--file", "{prompt}"], "agent 'ghost' not found"),
    (["prompt", "push", "--tenant", "acme", "tutor", "--file", "{not_yaml}"], "is not valid YAML"),
    (["prompt", "activate", "--tenant", "acme", "tutor", "9"], "prompt_version 'tutor@v9' not found"),
    (["prompt", "activate", "--tenant", "acme", "ghost", "1"], "agent 'ghost' not found"),
    (["prompt", "rollback", "--tenant", "acme", "tutor"], "no earlier version to roll back to"),
    (["prompt", "diff", "--tenant", "acme", "tutor", "1", "7"], "prompt_version 'tutor@v7' not found"),
    (["plan", "list", "--tenant", "nobody"], "tenant 'nobody' not found"),
    (["user", "create", "--tenant", "acme", "ann@example.com"], "user 'ann@example.com' already exists"),
    (["user", "create", "--tenant", "acme", "not-an-email"], "'not-an-email' is not an email address"),
    (["user", "list", "--tenant", "nobody"], "tenant 'nobody' not found"),
    (["subscription", "grant", "--tenant", "acme", "ann@example.com", "platinum"], "plan 'platinum' not found"),
    (["subscription", "grant", "--tenant", "acme", "zed@example.com", "pro"], "user 'zed@example.com' not found"),
    (["subscription", "list", "--tenant", "acme", "--user", "zed@example.com"], "user 'zed@example.com' not found"),
    (["subscription", "cancel", "--tenant", "acme", "no-such-id"], "subscription 'no-such-id' not found"),
    (["chat", "--tenant", "acme", "--as", "ann@example.com", "ghost", "Hi"], "agent 'ghost' not found"),
    (["chat", "--tenant", "acme", "--as", "zed@example.com", "tutor", "Hi"], "user 'zed@example.com' not found"),
    (["chat", "--tenant", "nobody", "--as", "ann@example.com", "tutor", "Hi"], "tenant 'nobody' not found"),
    (
        ["chat", "--tenant", "acme", "--as", "ann@example.com", "tutor", "Hi", "--conversation", "nope"],
        "conversation 'nope' not found",
    ),
    (["chat", "--tenant", "acme", "--as", "ann@example.com", "tutor", "Hi", "--var", "level=expertish"], "'level'"),
    (["chat", "--tenant", "acme", "--as", "ann@example.com", "tutor", "Hi", "--var", "mood=sad"], "'mood'"),
    (["chat", "--tenant", "acme", "--as", "ann@example.com", "tutor", "Hi", "--style", "loud"], "no style 'loud'"),
    (["usage", "--tenant", "acme", "--user", "zed@example.com"], "user 'zed@example.com' not found"),
    (["audit", "--tenant", "nobody"], "tenant 'nobody' not found"),
]


@pytest.mark.parametrize(("args", "named"), BAD_INPUT, ids=[" ".join(a[:2]) + f" ({n})" for a, n in BAD_INPUT])
def test_bad_input_fails_with_one_line_naming_it_and_changes_nothing(
    acme: Cli, catalog_file: Path, prompt_file: Path, tmp_path: Path, args: list[str], named: str
) -> None:
    (tmp_path / "not.yaml").write_text("agents: [unclosed\n", encoding="utf-8")
    (tmp_path / "bad_catalog.yaml").write_text(
        "agents:\n  - slug: tutor\n    prompt: {system: hi, model: 'nope:nope'}\n", encoding="utf-8"
    )
    (tmp_path / "gemini_catalog.yaml").write_text(
        "agents:\n  - slug: tutor\n    prompt: {system: hi, model: 'gemini:gemini-2.5-flash'}\n", encoding="utf-8"
    )
    (tmp_path / "bad_prompt.yaml").write_text("prompt:\n  system: '{{ tone }}'\n  model: offline:echo\n")
    files = {
        "{missing}": str(tmp_path / "missing.yaml"),
        "{not_yaml}": str(tmp_path / "not.yaml"),
        "{bad_catalog}": str(tmp_path / "bad_catalog.yaml"),
        "{gemini_catalog}": str(tmp_path / "gemini_catalog.yaml"),
        "{bad_prompt}": str(tmp_path / "bad_prompt.yaml"),
        "{catalog}": str(catalog_file),
        "{prompt}": str(prompt_file),
    }
    before = snapshot(acme)
    message = failed(acme(*[files.get(a, a) for a in args]))
    assert message.startswith("error: ")
    assert named in message
    assert snapshot(acme) == before


def test_a_suspended_tenant_denies_chats_until_reactivated(acme: Cli) -> None:
    assert as_json(acme("--json", "tenant", "suspend", "acme"))["status"] == "suspended"

    assert [t["status"] for t in as_json(acme("--json", "tenant", "list"))] == ["suspended"]
    assert "user_disabled" in failed(chat(acme, "Hi"), code=3)
    assert as_json(acme("--json", "tenant", "reactivate", "acme"))["status"] == "active"
    ok(chat(acme, "Hi"))


def test_a_malformed_setting_stops_every_command_in_one_line(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROMPTSAAS_ACCESS_TOKEN_MINUTES", "0")

    message = failed(cli("tenant", "list"))

    assert message == "error: invalid_setting: PROMPTSAAS_ACCESS_TOKEN_MINUTES must be a whole number above 0, got '0'"
    as_object = json.loads(failed(cli("tenant", "list", "--json")))
    assert as_object == {
        "code": "invalid_setting",
        "message": "PROMPTSAAS_ACCESS_TOKEN_MINUTES must be a whole number above 0, got '0'",
    }


def test_a_weak_password_from_stdin_is_refused(acme: Cli) -> None:
    message = failed(acme("user", "create", "--tenant", "acme", "bob@example.com", "--password-stdin", input="short\n"))
    assert "weak_password" in message
    assert len(as_json(acme("--json", "user", "list", "--tenant", "acme"))) == 1


WRONG_USAGE = [
    ["tenant"],
    ["tenant", "create"],
    ["nonsense"],
    ["usage", "--tenant", "acme", "--group-by", "weekday"],
    ["usage", "--tenant", "acme", "--since", "14/03/2030"],
    ["prompt", "activate", "--tenant", "acme", "tutor", "one"],
    ["prompt", "push", "--tenant", "acme", "tutor"],
    ["user", "create", "--tenant", "acme", "bob@example.com", "--role", "owner"],
    ["chat", "--tenant", "acme", "--as", "ann@example.com", "tutor", "Hi", "--var", "level"],
    ["audit", "--tenant", "acme", "--limit", "0"],
]


@pytest.mark.parametrize("args", WRONG_USAGE, ids=" ".join)
def test_wrong_usage_exits_2(acme: Cli, args: list[str]) -> None:
    assert acme(*args).exit_code == 2
