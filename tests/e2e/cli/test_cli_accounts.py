"""Operators manage accounts from the CLI (in-process, on one in-memory platform): roles and status, the last
admin kept, the sign-up mode, invites (the link printed) and signing a user out everywhere."""

from __future__ import annotations

from tests.e2e.cli.test_cli_inprocess import Cli, as_json, cli, clock, failed, ok, platform

__all__ = ["cli", "clock", "platform"]  # the fixtures this module shares with the in-process CLI tests


def test_an_operator_changes_roles_and_status_but_never_removes_the_last_admin(cli: Cli) -> None:
    ok(cli("tenant", "create", "acme"))
    ok(cli("user", "create", "-t", "acme", "boss@acme.example", "--role", "admin"))
    ok(cli("user", "create", "-t", "acme", "ann@acme.example"))

    last = failed(cli("user", "set-role", "-t", "acme", "boss@acme.example", "member"))
    promoted = as_json(cli("--json", "user", "set-role", "-t", "acme", "ann@acme.example", "admin"))
    disabled = as_json(cli("--json", "user", "set-status", "-t", "acme", "boss@acme.example", "disabled"))

    assert "last_admin" in last
    assert promoted["role"] == "admin"
    assert disabled["status"] == "disabled"
    users = {u["email"]: (u["role"], u["status"]) for u in as_json(cli("--json", "user", "list", "-t", "acme"))}
    assert users == {"boss@acme.example": ("admin", "disabled"), "ann@acme.example": ("admin", "active")}


def test_an_operator_sets_the_sign_up_mode_invites_and_signs_a_user_out(cli: Cli) -> None:
    ok(cli("tenant", "create", "acme"))
    ok(cli("user", "create", "-t", "acme", "ann@acme.example"))

    mode = ok(cli("tenant", "signup-mode", "acme", "invite")).stdout
    invite = as_json(cli("--json", "user", "invite", "-t", "acme", "new@acme.example"))
    out = ok(cli("user", "sign-out-everywhere", "-t", "acme", "ann@acme.example")).stdout
    wrong = cli("tenant", "signup-mode", "acme", "sometimes")

    assert "invite" in mode
    assert "/sign-up?invite=" in invite["link"]
    assert "ann@acme.example" in out
    assert wrong.exit_code == 2
