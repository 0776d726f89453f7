"""`promptsaas serve` on a real socket (its options reach uvicorn, its failures have their own exit codes) and
`promptsaas demo` as a new user runs it (the printed hint works from the same shell; re-runs reuse the API key)."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.cli.conftest import SCRIPT, Cli, child_env, promptsaas

pytestmark = pytest.mark.slow
BIN = str(SCRIPT.parent)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(env: dict[str, str], tmp_path: Path, *options: str) -> Iterator[tuple[int, Path]]:
    """`promptsaas serve` on a free port until /healthz answers; yields the port and the file its output goes to."""
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(SCRIPT), "serve", "--port", str(port), *options], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield port, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def forwarded_get(port: int) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-For": "203.0.113.7"})
    urllib.request.urlopen(request, timeout=5).close()


def test_serve_trusts_forwarded_headers_only_with_proxy_headers(sqlite_cli: Cli, tmp_path: Path, pycache: str) -> None:
    env = child_env(pycache, PROMPTSAAS_DATABASE_URL=f"sqlite:///{tmp_path / 'promptsaas.db'}")
    trusting = ("--log-level", "info", "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1")
    with serving(env, tmp_path, *trusting) as (port, log):
        forwarded_get(port)
        time.sleep(0.5)
    assert "203.0.113.7" in log.read_text()  # the access log (on at --log-level info) names the forwarded client
    with serving(env, tmp_path, "--log-level", "info", "--no-proxy-headers") as (port, log):
        forwarded_get(port)
        time.sleep(0.5)
    assert "GET /healthz" in log.read_text()
    assert "203.0.113.7" not in log.read_text()


def test_serve_with_reload_answers(tmp_path: Path, pycache: str) -> None:
    env = child_env(pycache, PROMPTSAAS_DATABASE_URL=f"sqlite:///{tmp_path / 'promptsaas.db'}")
    with serving(env, tmp_path, "--reload") as (port, _):
        assert json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5)) == {"status": "ready"}


def test_serve_on_a_taken_port_exits_4_in_one_line(sqlite_cli: Cli) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        message = sqlite_cli("serve", "--port", str(port)).failed(code=4)
    assert message == f"error: cannot_listen: cannot listen on 127.0.0.1:{port}: the address is already in use"


def test_serve_on_an_unusable_database_exits_1_before_listening(pycache: str) -> None:
    cli = promptsaas(child_env(pycache), "--database-url", "mysql://db/p")
    assert "only sqlite and postgresql are supported" in cli("serve", "--port", str(free_port())).failed(code=1)


def test_serve_refuses_reload_with_several_workers(sqlite_cli: Cli) -> None:
    assert sqlite_cli("serve", "--reload", "--workers", "2").code == 2


def stopped_serve(env: dict[str, str], cwd: Path, *options: str) -> tuple[int, str]:
    """A `promptsaas serve` expected to stop by itself: its exit code and its output (stdout and stderr together).
    One still running after 20 seconds is killed with its workers and fails the test."""
    server = subprocess.Popen(
        [str(SCRIPT), "serve", "--port", str(free_port()), *options],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = server.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        output, _ = server.communicate()
        pytest.fail(f"serve was still running after 20 s:\n{output[-3000:]}")
    return server.returncode, output


GOOD_SECRET_KEY = "prod:" + "s" * 40


@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize(
    ("secrets", "message"),
    [
        ({}, "PROMPTSAAS_SECRET_KEY must be set in production (at least 32 random characters)"),
        ({"PROMPTSAAS_SECRET_KEY": "too-short"}, "PROMPTSAAS_SECRET_KEY: a signing secret must be at least 32"),
        ({"PROMPTSAAS_SECRET_KEY": GOOD_SECRET_KEY}, "PROMPTSAAS_ENCRYPTION_KEY must be set in production"),
    ],
    ids=["no-secret-key", "weak-secret-key", "no-encryption-key"],
)
def test_serve_in_production_without_its_keys_stops_before_serving_in_one_line(
    secrets: dict[str, str], message: str, workers: str, tmp_path: Path, pycache: str
) -> None:
    database = f"sqlite:///{tmp_path / 'promptsaas.db'}"
    env = child_env(pycache, PROMPTSAAS_DATABASE_URL=database, PROMPTSAAS_ENV="production", **secrets)

    code, output = stopped_serve(env, tmp_path, "--workers", workers)

    assert code == 1, output
    assert output.strip().startswith(f"error: invalid_setting: {message}"), output
    assert "\n" not in output.strip(), output  # no "serving ...", no worker's traceback
    assert not (tmp_path / "promptsaas.db").exists()  # refused before the database was touched


def shell_env(pycache: str, *, venv_on_path: bool, under_uv: bool = False) -> dict[str, str]:
    """The environment of a user's shell: the venv's bin on PATH or not, inside `uv run` or not."""
    env = child_env(pycache)
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and Path(p).resolve() != Path(BIN).resolve()]
    env["PATH"] = os.pathsep.join([BIN, *path] if venv_on_path else path)
    env.pop("VIRTUAL_ENV", None)
    env.pop("UV_RUN_RECURSION_DEPTH", None)
    if under_uv:
        env["UV_RUN_RECURSION_DEPTH"] = "1"
    return env


def demo_hint(cwd: Path, env: dict[str, str], *args: str) -> tuple[dict[str, object], str]:
    done = subprocess.run([str(SCRIPT), *args, "--json", "demo"], capture_output=True, text=True, env=env, cwd=cwd)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    return result, str(result["try"])


def run_in_shell(command: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    return done.stdout


@pytest.mark.parametrize(
    ("venv_on_path", "under_uv", "plain"),
    [(True, False, True), (False, False, False), (True, True, False)],
    ids=["activated-venv", "venv-not-on-path", "under-uv-run"],
)
def test_the_demo_hint_works_as_printed_in_the_shell_that_ran_it(
    venv_on_path: bool, under_uv: bool, plain: bool, tmp_path: Path, pycache: str
) -> None:
    demo_env = shell_env(pycache, venv_on_path=venv_on_path, under_uv=under_uv)
    _, hint = demo_hint(tmp_path, demo_env, "--database-url", "sqlite:///./demo.db")
    assert hint.startswith("promptsaas ") == plain
    users_shell = shell_env(pycache, venv_on_path=venv_on_path)  # under `uv run`, the user's own shell lacks the venv
    assert "[tokens" in run_in_shell(hint, tmp_path, users_shell)


def test_rerunning_the_demo_reuses_its_api_key_kept_next_to_the_database(tmp_path: Path, pycache: str) -> None:
    env = shell_env(pycache, venv_on_path=False)
    (tmp_path / "data").mkdir()
    url = f"sqlite:///{tmp_path / 'data' / 'promptsaas.db'}"
    first, _ = demo_hint(tmp_path, env, "--database-url", url)
    again, _ = demo_hint(tmp_path, env, "--database-url", url)
    kept = tmp_path / "data" / ".promptsaas" / "demo_api_key"
    assert (first["api_key_reused"], again["api_key_reused"]) == (False, True)
    assert again["api_key"] == first["api_key"] == kept.read_text().strip()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    other = f"sqlite:///{tmp_path / 'data' / 'fresh.db'}"  # a new database does not accept the kept key: a new one
    fresh, _ = demo_hint(tmp_path, env, "--database-url", other)
    assert fresh["api_key_reused"] is False
    assert fresh["api_key"] != first["api_key"]


def test_the_demo_key_file_survives_only_what_the_database_accepts(tmp_path: Path, pycache: str) -> None:
    env = shell_env(pycache, venv_on_path=False)
    url = f"sqlite:///{tmp_path / 'promptsaas.db'}"
    demo_hint(tmp_path, env, "--database-url", url)
    kept = tmp_path / ".promptsaas" / "demo_api_key"
    kept.write_text("psk_not-a-real-key\n")
    replaced, _ = demo_hint(tmp_path, env, "--database-url", url)
    assert replaced["api_key_reused"] is False
    assert kept.read_text().strip() == replaced["api_key"]


@pytest.mark.parametrize("command", [["worker", "--once"], ["quota", "sweep"]])
def test_other_commands_in_production_without_a_key_say_so_in_one_line(
    command: list[str], tmp_path: Path, pycache: str
) -> None:
    database = f"sqlite:///{tmp_path / 'promptsaas.db'}"
    env = child_env(pycache, PROMPTSAAS_DATABASE_URL=database, PROMPTSAAS_ENV="production")
    done = subprocess.run([str(SCRIPT), *command], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert (
        line
        == "error: invalid_setting: PROMPTSAAS_SECRET_KEY must be set in production (at least 32 random characters)"
    )
