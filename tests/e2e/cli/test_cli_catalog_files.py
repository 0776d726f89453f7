"""A catalog file that is not UTF-8, nests past reason or names a key twice is one `error:` line naming the fault,
in a real `promptsaas` process, refused before anything is looked up."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli.conftest import CATALOG, Cli

pytestmark = pytest.mark.slow

FAULTS = {
    "not UTF-8": (b"agents: []\nplans:\n  - code: caf\xe9\n", "not UTF-8"),
    "nested 10,000 deep": (b"agents: " + b"[" * 10_000 + b"]" * 10_000 + b"\n", "nested too deeply"),
    "a key twice": (
        CATALOG.replace("    name: Math tutor\n", "    name: Math tutor\n    name: Tutor\n").encode(),
        "'name'",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_a_faulty_catalog_file_is_one_error_line(sqlite_cli: Cli, tmp_path: Path, fault: str) -> None:
    content, named = FAULTS[fault]
    path = tmp_path / "catalog.yaml"
    path.write_bytes(content)

    message = sqlite_cli("catalog", "apply", "--tenant", "acme", str(path)).failed()

    assert message.startswith("error:"), message
    assert named in message
    assert "Traceback" not in message
