"""How fast `promptsaas` starts: `--help`, a read command (`tenant list`) and `serve` until `/healthz` answers.

Each command runs as an operator runs it (the console script, one process per run) on a demo SQLite file, with its
bytecode compiled as an installed package has it (a warm-up run writes it to a private cache: `uv sync` compiles
none, and the first run of each command then pays for it). Wall time depends on what else the machine runs; CPU
time (user + system of the child) much less, so both are shown. For `serve`, the figures are the cold start to
the first `/healthz` 200 and the worker's resident memory (VmRSS) then.

    uv run python bench/cli_start.py [--runs 10] [--serve-runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

SCRIPT = Path(sys.executable).parent / "promptsaas"


def command(*args: str) -> list[str]:
    return [str(SCRIPT), *args] if SCRIPT.exists() else [sys.executable, "-m", "promptsaas.entrypoints.cli.main", *args]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run."""
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, children_cpu() - cpu


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve_once(env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds from launching `serve` to its first `/healthz` 200, its CPU seconds and RSS (MiB) then."""
    port = free_port()
    start = time.perf_counter()
    server = subprocess.Popen(
        command("serve", "--port", str(port)), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"serve exited with {server.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - start, cpu_seconds(server.pid), rss_mib(server.pid)
            except OSError:
                time.sleep(0.005)
    finally:
        server.terminate()
        server.wait(timeout=30)


def row(name: str, walls: list[float], cpus: list[float], extra: str = "") -> str:
    return f"{name:<22} {statistics.median(walls):8.3f} {min(walls):8.3f} {statistics.median(cpus):8.3f} {extra}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--serve-runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        unset = ("PROMPTSAAS_", "PYTHONDONTWRITEBYTECODE")
        env = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
        env["PROMPTSAAS_DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.db'}"
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        subprocess.run(command("demo"), env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"{'command':<22} {'wall p50':>8} {'wall min':>8} {'cpu p50':>8}  (seconds)")
        for name, args in (("promptsaas --help", ["--help"]), ("promptsaas tenant list", ["tenant", "list"])):
            timed(command(*args), env)  # the warm-up that compiles the bytecode
            runs = [timed(command(*args), env) for _ in range(options.runs)]
            print(row(name, [w for w, _ in runs], [c for _, c in runs]))
        served = [serve_once(env) for _ in range(options.serve_runs)]
        rss = max(r for _, _, r in served)
        print(row("serve → /healthz", [w for w, _, _ in served], [c for _, c, _ in served], f"RSS {rss:.0f} MiB"))


if __name__ == "__main__":
    main()
