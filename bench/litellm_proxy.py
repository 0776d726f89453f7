"""LiteLLM's proxy as `make bench` runs it beside promptsaas: one uvicorn worker, a master key, one model mapped to the
loopback stub, uvicorn's access log as LiteLLM ships it (or none, like promptsaas at `--no-access-log`), errors-only
logging otherwise, the bundled model price map instead of a download at start, no telemetry."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

MASTER_KEY = "sk-litellm-bench"
BODY = '{"model": "bench", "messages": [{"role": "user", "content": "What is 2+2?"}]}'
CONFIG = """model_list:
  - model_name: bench
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: {stub}/v1
      api_key: sk-bench
general_settings:
  master_key: {master_key}
"""
LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "WARNING"},
        "uvicorn.access": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}
QUIET = {"LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_LOG": "ERROR", "LITELLM_MODE": "PRODUCTION"}
LIVENESS = "/health/liveliness"
"""LiteLLM's own liveness route (its spelling), answered without a key."""
CHAT = "/v1/chat/completions"


def lua() -> str:
    """The wrk script for one chat completion through the proxy, as an OpenAI client would send it."""
    return (
        'wrk.method = "POST"\n'
        f"wrk.body = '{BODY}'\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {MASTER_KEY}"\n'
    )


def version(litellm: Path) -> str:
    python = litellm.parent / "python"
    code = "from importlib.metadata import version; print(version('litellm'))"
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def start(
    litellm: Path, *, stub_url: str, port: int, workdir: Path, core: int, access_log: bool
) -> subprocess.Popen[bytes]:
    """The proxy on `core`, its output in `workdir/litellm.log`; the caller waits for `LIVENESS`."""
    config = workdir / "litellm.yaml"
    config.write_text(CONFIG.format(stub=stub_url, master_key=MASTER_KEY))
    command = [
        *("taskset", "-c", str(core), str(litellm)),
        *("--config", str(config), "--host", "127.0.0.1", "--port", str(port), "--num_workers", "1"),
        *("--telemetry", "False"),
    ]
    if not access_log:
        log_config = workdir / "litellm-logging.json"
        log_config.write_text(json.dumps(LOG_CONFIG))
        command += ["--log_config", str(log_config)]
    env = {**os.environ, **QUIET}
    for name in ("PYTHONPATH", "OPENAI_BASE_URL", "OPENAI_API_KEY"):
        env.pop(name, None)
    with (workdir / "litellm.log").open("wb") as log:
        return subprocess.Popen(command, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
