"""Slow clients cannot exhaust the server: `promptsaas serve` on a real socket answers 408 to a request whose headers
or body stall, and 503 past its connection cap, then serves the next client as usual."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.http.server_process import SCRIPT, _free_port, promptsaas, server_env

pytestmark = pytest.mark.slow
CAP = 3


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("slow-clients")
    database_url = f"sqlite:///{workdir / 'promptsaas.db'}"
    env = {
        **server_env(database_url, workdir),
        "PROMPTSAAS_HEADER_TIMEOUT_SECONDS": "2",
        "PROMPTSAAS_BODY_TIMEOUT_SECONDS": "2",
    }
    promptsaas(env, workdir, "db", "upgrade")
    port = _free_port()
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "promptsaas.entrypoints.cli.main"]
    args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--max-connections", str(CAP)]
    process = subprocess.Popen([*command, *args], env=env, cwd=workdir, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def half_sent(url: str, data: bytes) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(data)
    return sock


def answer_of(sock: socket.socket) -> bytes:
    started = time.monotonic()
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    assert time.monotonic() - started < 8, "the server must cut a stalled client off"
    return received


def test_headers_that_never_finish_are_answered_408_and_closed(url: str) -> None:
    with half_sent(url, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1") as sock:
        answer = answer_of(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b'"code":"request_timeout"' in answer
    assert httpx.get(f"{url}/healthz").status_code == 200


def test_a_head_over_16_kib_is_answered_431_and_closed_while_a_large_body_passes(url: str) -> None:
    with half_sent(url, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000) as sock:
        answer = answer_of(sock)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    assert b'"code":"request_header_too_large"' in answer
    body = b'{"email": "' + b"a" * 40_000 + b'@example.com", "password": "x"}'
    response = httpx.post(f"{url}/v1/auth/login", content=body, headers={"X-Tenant": "nobody"})
    assert response.status_code != 431, response.text
    assert httpx.get(f"{url}/healthz", headers={"X-Fine": "b" * 8_000}).status_code == 200


def test_a_whole_head_over_16_kib_sent_in_one_write_is_answered_431(url: str) -> None:
    with half_sent(url, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n") as sock:
        answer = answer_of(sock)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    assert b'"code":"request_header_too_large"' in answer
    head = b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nX-Tenant: nobody\r\nContent-Type: application/json\r\n"
    body = b'{"email": "' + b"a" * 40_000 + b'@example.com", "password": "x"}'
    with half_sent(url, head + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body) as sock:
        answer = answer_of(sock)
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    assert not answer.startswith(b"HTTP/1.1 431"), answer[:200]


def test_a_body_that_stalls_is_answered_408(url: str) -> None:
    head = b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    with half_sent(url, head + b'{"email": ') as sock:
        answer = answer_of(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"request_timeout" in answer


def test_connections_past_the_cap_are_refused_until_the_stalled_ones_are_cut(url: str) -> None:
    stalled = [half_sent(url, b"GET /healthz HTTP/1.1\r\nHost: x\r\n") for _ in range(CAP)]
    try:
        time.sleep(0.3)
        assert httpx.get(f"{url}/healthz").status_code == 503
        time.sleep(3)  # the header deadline cuts the stalled ones off
        assert httpx.get(f"{url}/healthz").status_code == 200
    finally:
        for sock in stalled:
            sock.close()
