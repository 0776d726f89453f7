"""The library as a script uses it: the synchronous `Platform` twin, and the README's examples as written."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from promptsaas.domain.errors import AccessDenied, InvalidInput
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AgentOverview, PlanCatalog, PlanLimits, Platform

ROOT = Path(__file__).resolve().parents[2]
FAST = Settings(database_url="memory://", password_memory_kib=1024, password_time_cost=1)
CATALOG = {
    "agents": [{"slug": "tutor", "name": "Tutor", "prompt": {"system": "You are a tutor.", "model": "offline:echo"}}],
    "plans": [
        {
            "code": "free",
            "default": True,
            "agents": "all",
            "limits": [{"metric": "requests", "window": "day", "amount": 2}],
        }
    ],
}


def test_the_sync_platform_runs_the_same_operations() -> None:
    with Platform.in_memory(FAST) as platform:
        acme = platform.create_tenant("acme", name="Acme Inc.")
        assert acme.apply_catalog(CATALOG).changed
        acme.create_user("ann@example.com", password="correct horse battery")

        reply = acme.chat("ann@example.com", "tutor", "What is 2+2?")
        again = acme.chat("ann@example.com", "tutor", "And 3+3?", conversation_id=reply.conversation_id)
        with pytest.raises(AccessDenied) as denied:
            acme.chat("ann@example.com", "tutor", "One more?")

        assert reply.text == "You said: What is 2+2?"
        assert again.conversation_id == reply.conversation_id
        assert [lim.remaining for lim in again.limits] == [0]
        assert denied.value.code == "quota_exceeded"
        assert acme.verify_password("ann@example.com", "correct horse battery").email == "ann@example.com"
        assert [t.slug for t in platform.tenants()] == ["acme"]
        assert platform.tenant("acme").usage_report()[0].requests == 2
        assert acme.slug == "acme"


def test_the_sync_platform_raises_domain_errors() -> None:
    with Platform.in_memory(FAST) as platform:
        acme = platform.create_tenant("acme")
        acme.apply_catalog(CATALOG)
        acme.create_user("ann@example.com")

        with pytest.raises(InvalidInput) as raised:
            acme.chat("ann@example.com", "tutor", "Hi", channel="carrier-pigeon")

        assert raised.value.field == "channel"
        assert platform.sweep_reservations() == 0


def test_a_role_or_status_the_library_does_not_know_is_refused_with_its_options() -> None:
    with Platform.in_memory(FAST) as platform:
        acme = platform.create_tenant("acme")
        acme.create_user("ann@example.com", role="admin")

        with pytest.raises(InvalidInput, match="role must be one of member, admin, got 'owner'"):
            acme.accounts().set_role("ann@example.com", "owner")
        with pytest.raises(InvalidInput, match="status must be one of active, disabled, got 'gone'") as raised:
            acme.accounts().set_status("ann@example.com", "gone")

        assert raised.value.field == "status"
        [ann] = acme.users()
        assert (ann.role.value, ann.status.value) == ("admin", "active")


def test_the_sync_platform_works_inside_a_running_event_loop() -> None:
    async def notebook_cell() -> str:
        with Platform.in_memory(FAST) as platform:
            acme = platform.create_tenant("acme")
            acme.apply_catalog(CATALOG)
            acme.create_user("ann@example.com")
            return acme.chat("ann@example.com", "tutor", "Inside a loop?").text

    assert asyncio.run(notebook_cell()) == "You said: Inside a loop?"


async def test_the_sync_platform_works_from_an_async_test_and_keeps_its_state_across_calls() -> None:
    with Platform.in_memory(FAST) as platform:
        platform.create_tenant("acme").apply_catalog(CATALOG)
        await asyncio.sleep(0)  # the caller's loop keeps running between calls
        acme = platform.tenant("acme")
        acme.create_user("ann@example.com")

        assert acme.chat("ann@example.com", "tutor", "Hi").text == "You said: Hi"
        assert [u.email for u in acme.users()] == ["ann@example.com"]


def test_closing_the_sync_platform_ends_its_thread_and_refuses_later_calls() -> None:
    before = set(threading.enumerate())
    platform = Platform.in_memory(FAST)
    acme = platform.create_tenant("acme")
    [thread] = set(threading.enumerate()) - before

    platform.close()
    platform.close()  # a second close does nothing

    assert not thread.is_alive()
    assert set(threading.enumerate()) <= before
    with pytest.raises(RuntimeError, match="closed"):
        acme.users()
    with pytest.raises(RuntimeError, match="closed"):
        platform.tenants()


def test_two_sync_platforms_keep_apart() -> None:
    with Platform.in_memory(FAST) as one, Platform.in_memory(FAST) as two:
        one.create_tenant("acme")
        two.create_tenant("globex")

        assert [t.slug for t in one.tenants()] == ["acme"]
        assert [t.slug for t in two.tenants()] == ["globex"]


def test_list_results_are_named_records_not_tuples() -> None:
    with Platform.in_memory(FAST) as platform:
        acme = platform.create_tenant("acme")
        acme.apply_catalog(CATALOG)
        acme.create_user("ann@example.com")
        acme.chat("ann@example.com", "tutor", "Hi")

        [overview] = acme.agents()
        catalog = acme.plan_catalog()
        [plan] = acme.limits("ann@example.com")
        results = [overview, acme.agent("tutor"), catalog, plan, *plan.limits, *acme.usage_report()]

    assert isinstance(overview, AgentOverview)
    assert (overview.agent.slug, overview.active_version) == ("tutor", 1)
    assert isinstance(catalog, PlanCatalog)
    assert ([p.code for p in catalog.plans], catalog.default_plan) == (["free"], "free")
    assert isinstance(plan, PlanLimits)
    assert (plan.plan, [(v.metric, v.used, v.remaining) for v in plan.limits]) == ("free", [("requests", 1, 1)])
    assert not [r for r in results if isinstance(r, tuple)]


def library_examples() -> list[str]:
    """The ```python blocks under the README's "Library" heading: the async example, then the sync one."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Library\n") :]
    section = section[: section.index("\n## ", 1)]
    blocks = re.findall(r"^```python\n(.*?)^```", section, re.DOTALL | re.MULTILINE)
    assert len(blocks) == 2, "the Library section has an async and a sync example"
    return blocks


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_the_readme_example_runs_as_written(tmp_path: Path) -> None:
    result = run_python(library_examples()[0], tmp_path)

    assert result.returncode == 0, result.stderr
    denials = [line for line in result.stdout.splitlines() if line.startswith("denied:")]
    assert len(denials) == 1
    assert "quota_exceeded" in denials[0]
    assert "prompt.rollback" in result.stdout
    assert "You said: And 4+4?" in result.stdout.splitlines(), "the streamed reply, piece by piece"
    assert list(tmp_path.iterdir()) == [], "the in-memory platform writes nothing to disk"


@pytest.mark.parametrize("where", ["a script", "a running event loop"])
def test_the_readme_sync_example_runs_in_a_script_and_inside_a_running_loop(tmp_path: Path, where: str) -> None:
    example = library_examples()[1]
    code = (
        example
        if where == "a script"
        else f"import asyncio\n\nasync def cell():\n    exec({example!r})\n\nasyncio.run(cell())"
    )

    result = run_python(code, tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["You said: What is 2+2?", "tutor active version 1"]
    assert result.stderr == ""
