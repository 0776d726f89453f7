"""With `OTEL_EXPORTER_OTLP_ENDPOINT` set, one agent call is one trace an operator can open: the HTTP request's span,
and under it the database transactions and the model call, exported over OTLP/HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.e2e.http.server_process import ServerProcess, start_server
from tests.support.otlp_stub import OtlpCollectorStub, ReceivedSpan

RUN_SPAN = "POST /v1/agents/{slug}/runs"


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, OtlpCollectorStub]]:
    workdir = tmp_path_factory.mktemp("traced")
    with OtlpCollectorStub() as collector:
        env = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.url, "OTEL_BSP_SCHEDULE_DELAY": "100"}
        server = start_server(f"sqlite:///{workdir / 'promptsaas.db'}", workdir, extra_env=env)
        try:
            yield server, collector
        finally:
            server.stop()


def trace_of_run(collector: OtlpCollectorStub) -> list[ReceivedSpan]:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        runs = [s for s in collector.spans if s.name == RUN_SPAN]
        if runs:
            trace = [s for s in collector.spans if s.trace_id == runs[0].trace_id]
            if any(s.name.startswith("llm.") for s in trace) and any(s.name == "db.transaction" for s in trace):
                return trace
        time.sleep(0.1)
    raise AssertionError(f"no complete trace of the run among {[s.name for s in collector.spans]}")


def test_one_run_is_one_trace_of_http_database_and_model_spans(
    traced: tuple[ServerProcess, OtlpCollectorStub],
) -> None:
    server, collector = traced
    with server.client(**{"X-API-Key": server.demo.api_key}) as http:
        assert http.post("/v1/agents/tutor/runs", json={"input": "trace me"}).status_code == 200
    trace = trace_of_run(collector)
    [run] = [s for s in trace if s.name == RUN_SPAN]
    [llm] = [s for s in trace if s.name.startswith("llm.call")]
    transactions = [s for s in trace if s.name == "db.transaction"]
    assert llm.parent_id == run.span_id
    assert llm.attributes["gen_ai.system"] == "offline"
    assert llm.attributes["gen_ai.usage.output_tokens"] > 0
    assert all(t.parent_id == run.span_id for t in transactions)
    assert {t.attributes["db.system.name"] for t in transactions} == {"sqlite"}
    assert all(t.attributes["db.transaction.committed"] for t in transactions)


def test_no_tracing_module_is_loaded_without_an_endpoint() -> None:
    """Litestar imports `opentelemetry.semconv` on its own; the API, the SDK and the exporter stay unloaded."""
    import subprocess
    import sys

    code = (
        "import sys;from promptsaas.entrypoints.composition.settings import Settings;"
        "from promptsaas.entrypoints.composition.container import build_container;"
        "from promptsaas.entrypoints.http.app import create_app;"
        "create_app(build_container(Settings(database_url='memory://')));"
        "print(sorted(m for m in sys.modules if m.startswith(('opentelemetry.trace', 'opentelemetry.sdk',"
        "'opentelemetry.exporter', 'promptsaas.adapters.observability.trac'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
