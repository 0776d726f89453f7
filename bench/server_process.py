"""Servers as processes for the benches: `promptsaas serve` pinned to cores, its time to a first 200, its memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROMPTSAAS = Path(sys.executable).parent / "promptsaas"


def serve(
    database_url: str, port: int, env: dict[str, str], log: Path, *, cores: str = "0", workers: int = 1
) -> subprocess.Popen[bytes]:
    """`promptsaas serve` as an operator starts it, pinned to `cores`, its output appended to `log` (as a service
    manager keeps it); the process is the server itself (taskset execs)."""
    command = ["taskset", "-c", cores, str(PROMPTSAAS), "--database-url", database_url, "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    env = {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def until_ok(url: str, started: float, process: subprocess.Popen[bytes], timeout: float = 120.0) -> float:
    """Seconds from `started` (a `time.monotonic()`) to the first 200 from `url`, polling every 5 ms."""
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}) before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.005)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


def cold_start(database_url: str, port: int, env: dict[str, str], log: Path, *, times: int = 3) -> tuple[float, float]:
    """Medians of the seconds from running `promptsaas serve` (one worker, core 0, a migrated SQLite file) to a first
    200 on /healthz, and of the CPU time it took. One unmeasured start goes first: the bytecode written and the file
    cache warm, as on a server that has started once."""
    seconds, cpu = [], []
    for _ in range(times + 1):
        started = time.monotonic()
        process = serve(database_url, port, env, log)
        try:
            seconds.append(until_ok(f"http://127.0.0.1:{port}/healthz", started, process))
            cpu.append(cpu_seconds(process.pid))
        finally:
            stop(process)
    return statistics.median(seconds[1:]), statistics.median(cpu[1:])


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its descendants, in MB (10^6 bytes)."""
    kilobytes = 0
    for process in tree(pid):
        status = (process / "status").read_text()
        kilobytes += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
    return kilobytes * 1024 / 1e6


def cpu_seconds(pid: int) -> float:
    """CPU time the process and its descendants have used so far (user + system)."""
    ticks = 0
    for process in tree(pid):
        fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[Path]:
    """/proc directories of the process and its descendants."""
    found, pending = [], [pid]
    while pending:
        process = Path(f"/proc/{pending.pop()}")
        found.append(process)
        for task in (process / "task").iterdir():
            pending += [int(child) for child in (task / "children").read_text().split()]
    return found
