"""The architecture self-check: every import-linter contract bites, and the core imports no third-party package.

Each contract is proven by breaking it on purpose in a copy of `src/` (one forbidden import) and watching
`lint-imports` name it BROKEN; the untouched copy must keep every contract.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "promptsaas"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# contract id -> (module to edit, the one forbidden import injected into it)
VIOLATIONS = {
    "layers": ("application/usage.py", "import promptsaas.adapters.clock"),
    "pure-core": ("domain/agents.py", "import sqlalchemy"),
    "runtime-blind": ("application/runtime.py", "from promptsaas.application import plans"),
    "billing-blind": ("application/billing/subscriptions.py", "import promptsaas.application.runtime"),
    "policy-owner": ("application/catalog/service.py", "import promptsaas.domain.policy"),
    "entrypoints-top": ("adapters/clock.py", "import promptsaas.entrypoints.library"),
    "messenger-shells-translate": ("entrypoints/telegram/chat.py", "from promptsaas.application import access"),
}
UNCHANGED = "unchanged"


def contract_names() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c["name"] for c in config["tool"]["importlinter"]["contracts"]}


def lint_copy(workdir: Path, violation: tuple[str, str] | None) -> subprocess.CompletedProcess[str]:
    """Copy the project into `workdir`, inject `violation` (module, import line), and run lint-imports on it."""
    shutil.copytree(SRC, workdir / "src" / "promptsaas", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", workdir / "pyproject.toml")
    if violation:
        module, line = violation
        target = workdir / "src" / "promptsaas" / module
        target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # injected by test_architecture\n")
    env = {**os.environ, "PYTHONPATH": str(workdir / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def lint_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, subprocess.CompletedProcess[str]]]:
    """lint-imports on the untouched copy and on one broken copy per contract, run side by side."""
    cases: dict[str, tuple[str, str] | None] = {UNCHANGED: None, **VIOLATIONS}
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        futures = {
            case: pool.submit(lint_copy, tmp_path_factory.mktemp(f"lint-{case}"), violation)
            for case, violation in cases.items()
        }
        yield {case: future.result() for case, future in futures.items()}


def test_every_contract_in_pyproject_is_exercised_here() -> None:
    assert set(contract_names()) == set(VIOLATIONS)


def test_the_project_as_it_is_keeps_every_contract(lint_runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    run = lint_runs[UNCHANGED]

    assert run.returncode == 0, run.stdout + run.stderr
    for name in contract_names().values():
        assert f"{name} KEPT" in run.stdout


@pytest.mark.parametrize("contract", sorted(VIOLATIONS))
def test_one_forbidden_import_breaks_its_contract(
    contract: str, lint_runs: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    run = lint_runs[contract]
    module, line = VIOLATIONS[contract]

    assert run.returncode != 0, f"{line!r} in {module} went unnoticed:\n{run.stdout}{run.stderr}"
    assert f"{contract_names()[contract]} BROKEN" in run.stdout, run.stdout + run.stderr


def _package_of(module: str) -> str:
    """The top-level package, or the layer for the project's own modules (`promptsaas.domain.x` -> `domain`)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "promptsaas" and len(parts) > 1 else parts[0]


def _imported_packages(path: Path) -> Iterator[tuple[int, str]]:
    """The package of every absolute import in a module, with its line number."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, _package_of(alias.name)) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, _package_of(node.module)


@pytest.mark.parametrize(
    ("layer", "allowed"),
    [("domain", {"domain"}), ("application", {"domain", "application"})],
)
def test_the_core_imports_only_the_standard_library_and_inner_layers(layer: str, allowed: set[str]) -> None:
    modules = sorted((SRC / layer).rglob("*.py"))
    offending = [
        f"{path.relative_to(SRC)}:{line} imports {package}"
        for path in modules
        for line, package in _imported_packages(path)
        if package not in sys.stdlib_module_names and package not in allowed
    ]

    assert len(modules) > 5
    assert offending == []
