# promptsaas: `make run` serves the demo, `make test` installs and passes every test.
UV ?= uv
PY := $(UV) run --frozen

.PHONY: install run demo test test-unit test-integration test-e2e lint format bench bench-tools bench-llm clean

install:
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --quiet

run: install
	$(PY) promptsaas db upgrade
	$(PY) promptsaas demo
	$(PY) promptsaas serve --host 127.0.0.1 --port 8000

lint: install
	$(PY) ruff check src tests bench
	$(PY) ruff format --check src tests bench
	$(PY) mypy --strict src
	$(PY) lint-imports

format: install
	$(PY) ruff format src tests bench
	$(PY) ruff check --fix src tests bench

test: lint
	$(PY) pytest -q

test-unit: install
	$(PY) pytest tests/unit

test-integration: install
	$(PY) pytest tests/integration

test-e2e: install
	$(PY) pytest tests/e2e

bench: install bench-tools
	$(PY) python bench/agent_call.py --seconds 10
	$(MAKE) --no-print-directory bench-llm

# agent_call.py drives the server with wrk and pins processes with taskset: apt-get installs them when run as root.
bench-tools:
	@for tool in wrk:wrk taskset:util-linux; do \
		command -v $${tool%%:*} >/dev/null 2>&1 && continue; \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && apt-get install -y -qq $${tool#*:} >/dev/null || exit 1; \
		else \
			echo "make bench needs $${tool%%:*}: install it (apt-get install $${tool#*:}) or run as root" >&2; exit 1; \
		fi; \
	done

bench-llm: install
	$(PY) python bench/llm_overhead.py --calls 2000 --rounds 10
	$(PY) python bench/llm_overhead.py --calls 2000 --rounds 10 --concurrency 16

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache .hypothesis
