"""The library as a script uses it: the synchronous `Platform` twin, and the README's example as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from promptsaas.domain.errors import AccessDenied, InvalidInput
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import Platform

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


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^```python\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)
    assert match, "README.md has no ```python block"
    return match.group(1)


def test_the_readme_example_runs_as_written(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-c", readme_example()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    denials = [line for line in result.stdout.splitlines() if line.startswith("denied:")]
    assert len(denials) == 1
    assert "quota_exceeded" in denials[0]
    assert "prompt.rollback" in result.stdout
    assert list(tmp_path.iterdir()) == [], "the in-memory platform writes nothing to disk"
