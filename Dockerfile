# promptsaas: the API (`serve`), the background jobs (`worker`) and the messenger bots from one image.
# Build: docker build -t promptsaas .      Run: see compose.yaml (api, worker, bot, postgres).

# --- build: resolve the locked dependencies and the package into /app/.venv with uv --------------------------------
FROM python:3.11-slim-bookworm AS build
COPY --from=ghcr.io/astral-sh/uv:0.9 /uv /uvx /bin/
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Dependencies first (cached while only the code changes), then the project itself, without the dev group.
COPY pyproject.toml uv.lock README.md LICENSE ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project --extra postgres --extra otel
COPY src ./src
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --extra postgres --extra otel

# --- runtime: the virtual environment only, run by an unprivileged user ---------------------------------------------
FROM python:3.11-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 promptsaas \
    && useradd --system --uid 10001 --gid promptsaas --home-dir /data --shell /usr/sbin/nologin promptsaas \
    && mkdir -p /data && chown promptsaas:promptsaas /data
# The SQLite database (and anything else the process keeps) outlives the container: `docker run -v NAME:/data`, or
# at least an anonymous volume that `docker rm` without `-v` leaves.
VOLUME ["/data"]
COPY --from=build /app/.venv /app/.venv
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    PROMPTSAAS_ENV=production \
    PROMPTSAAS_LOG_FORMAT=json \
    PROMPTSAAS_DATABASE_URL=sqlite:////data/promptsaas.db
WORKDIR /data
USER promptsaas:promptsaas
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["promptsaas", "serve", "--host", "0.0.0.0", "--port", "8000"]
