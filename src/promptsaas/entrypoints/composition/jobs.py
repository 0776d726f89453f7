"""The background jobs this build runs, and their runner: each run logged and counted.

To add a job (webhook inbox retries, outbound messenger retries, ...), register it in `register_jobs`:
`registry.register(Job("telegram-retries", 30, container.telegram_outbox().retry_due))`, `run(now)` returning how
many items it handled. The runner is the same in `promptsaas worker`, `worker --once` and inside `serve`.
"""

from __future__ import annotations

from datetime import datetime

from promptsaas.adapters.observability.logs import logger
from promptsaas.adapters.observability.metrics import series
from promptsaas.adapters.persistence.sqlalchemy.runner_lock import ProcessLock, runner_lock
from promptsaas.application.jobs import Job, JobRegistry, JobRun, JobRunner
from promptsaas.application.ports.jobs import RunnerLock
from promptsaas.entrypoints.composition.container import Container
from promptsaas.entrypoints.composition.persistence import SQL

SWEEP_SECONDS = 60.0
MESSENGER_RETRY_SECONDS = 10.0
PURGE_SECONDS = 24 * 3600.0
log = logger("promptsaas.jobs")


def register_jobs(container: Container, registry: JobRegistry) -> JobRegistry:
    """The built-in jobs: the reservation sweep (every minute), the retention purge (daily, per plan), and the
    webhook inboxes' retries (payment events left pending, WhatsApp messages left unanswered) and the outbound
    messenger retries (Telegram replies kept in the outbox, every 10 s)."""

    async def sweep(now: datetime) -> int:
        return await container.ledger().sweep(now)

    async def purge(now: datetime) -> int:
        return sum(result.messages for result in await container.conversation_history().purge(now))

    async def messenger_retries(now: datetime) -> int:
        return await container.messenger_outbox().retry_due(now)

    registry.register(Job("reservation-sweep", SWEEP_SECONDS, sweep))
    registry.register(Job("retention-purge", PURGE_SECONDS, purge))
    register_inbox_retries(container, registry)
    registry.register(Job("messenger-retries", MESSENGER_RETRY_SECONDS, messenger_retries))
    return registry


def register_inbox_retries(container: Container, registry: JobRegistry) -> None:
    settings = container.settings()

    async def billing_retries(now: datetime) -> int:
        return await container.billing_inbox().apply_pending()

    async def whatsapp_retries(now: datetime) -> int:
        if not await container.whatsapp_store().due(now, limit=1):  # the Graph client and keys only when needed
            return 0
        return await container.whatsapp().process_due()

    registry.register(Job("billing-inbox-retries", settings.billing_retry_seconds, billing_retries))
    registry.register(Job("whatsapp-inbox-retries", settings.whatsapp_sweep_seconds, whatsapp_retries))


def observe(run: JobRun) -> None:
    """A log line and the `promptsaas_job_runs` / `promptsaas_job_seconds` series for each run. A run that found
    nothing to do is logged at `debug`: the retries look every 10 to 30 seconds, thousands of idle lines a day."""
    metrics = series()
    metrics.job_runs.labels(run.job, run.outcome).inc()
    metrics.job_seconds.labels(run.job).observe(run.seconds)
    fields = {"job": run.job, "handled": run.handled, "duration_ms": round(run.seconds * 1000, 2)}
    if run.error is None:
        (log.info if run.handled else log.debug)(f"job {run.job} ran", **fields)
    else:
        log.error(f"job {run.job} failed", error=run.error, **fields)


def lock_of(container: Container) -> RunnerLock:
    persistence = container.persistence()
    return runner_lock(persistence.database()) if persistence.backend() == SQL else ProcessLock()


def job_runner(container: Container) -> JobRunner:
    registry = register_jobs(container, JobRegistry())
    return JobRunner(registry, lock_of(container), container.clock(), observe)
