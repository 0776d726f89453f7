# promptsaas: `make run` serves the demo, `make test` installs and passes every test.
# uv is used from PATH, else from .tools/ (a private venv this Makefile creates: no system-wide pip install, so it
# works where PEP 668 refuses `pip install uv`, as on stock Debian and Ubuntu).
TOOLS := .tools
UV ?= $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
PY := $(UV) run --frozen
# LiteLLM's proxy, which `make bench` measures promptsaas against. 1.82.6 is the last release before the March 2026
# supply-chain compromise of 1.82.7 and 1.82.8 (both since removed from PyPI).
LITELLM_VERSION := 1.82.6
LITELLM_VENV := .bench/litellm

.PHONY: install install-dev run demo test test-unit test-integration test-e2e lint format wheel-check bench \
	bench-tools bench-llm bench-litellm clean

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv

# Bytecode is compiled at install, as pip does, so a command does not recompile ~600 modules on every start where
# PYTHONDONTWRITEBYTECODE is set.
# What running needs: the package and its runtime dependencies, no dev group (SQLite only; PostgreSQL is the
# `postgres` extra: `uv sync --extra postgres`).
install: $(if $(findstring $(TOOLS)/,$(UV)),$(TOOLS)/bin/uv)
	$(UV) sync --frozen --quiet --no-dev --compile-bytecode

# What testing and linting need: the dev group too (pytest, mypy, ruff, import-linter, psycopg, ...).
install-dev: $(if $(findstring $(TOOLS)/,$(UV)),$(TOOLS)/bin/uv)
	$(UV) sync --frozen --quiet --compile-bytecode

run: install
	$(PY) --no-dev promptsaas db upgrade
	$(PY) --no-dev promptsaas demo
	$(PY) --no-dev promptsaas serve --host 127.0.0.1 --port 8000 --bot demo

lint: install-dev
	$(PY) ruff check src tests bench
	$(PY) ruff format --check src tests bench
	$(PY) mypy --strict src
	$(PY) lint-imports

format: install-dev
	$(PY) ruff format src tests bench
	$(PY) ruff check --fix src tests bench

test: lint
	$(PY) pytest -q

test-unit: install-dev
	$(PY) pytest tests/unit

test-integration: install-dev
	$(PY) pytest tests/integration

test-e2e: install-dev
	$(PY) pytest tests/e2e

# The package as a user gets it: build the wheel, install it in a fresh venv outside the checkout, and from another
# directory migrate, load the demo, serve until /readyz answers, and chat once.
wheel-check: install-dev
	bash .ci/wheel-check

bench: install-dev bench-tools bench-litellm
	$(PY) python bench/versus_litellm.py --seconds 10 --litellm $(LITELLM_VENV)/bin/litellm
	$(PY) python bench/agent_call.py --seconds 10
	$(PY) python bench/stream_ttft.py --calls 200
	$(PY) python bench/cli_start.py
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

# LiteLLM in a venv of its own (its openai pin conflicts with ours), made once per version: the stamp file says which.
bench-litellm: $(LITELLM_VENV)/installed-$(LITELLM_VERSION)

$(LITELLM_VENV)/installed-$(LITELLM_VERSION): | $(if $(findstring $(TOOLS)/,$(UV)),$(TOOLS)/bin/uv)
	rm -rf $(LITELLM_VENV)
	$(UV) venv --quiet --python python3 $(LITELLM_VENV)
	$(UV) pip install --quiet --compile-bytecode --python $(LITELLM_VENV)/bin/python "litellm[proxy]==$(LITELLM_VERSION)"
	touch $@

bench-llm: install-dev
	$(PY) python bench/llm_overhead.py --calls 2000 --rounds 10
	$(PY) python bench/llm_overhead.py --calls 2000 --rounds 10 --concurrency 16

clean:
	rm -rf .venv .tools .bench .pytest_cache .mypy_cache .ruff_cache .hypothesis
