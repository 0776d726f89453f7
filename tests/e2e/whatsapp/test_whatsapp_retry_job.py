"""WhatsApp answers Meta refused for a while are sent by the `whatsapp-inbox-retries` job that `promptsaas worker` and
`serve` run, once, and charged once."""

from __future__ import annotations

from datetime import timedelta

from promptsaas.application.jobs import Job, JobRegistry
from promptsaas.entrypoints.composition.jobs import register_jobs
from tests.e2e.whatsapp.shop import Shop
from tests.support import whatsapp_stub as wa


def whatsapp_retries(shop: Shop) -> Job:
    return next(
        j for j in register_jobs(shop.platform.container, JobRegistry()).jobs() if j.name == "whatsapp-inbox-retries"
    )


async def test_an_answer_refused_for_a_while_is_sent_once_by_the_retry_job(shop: Shop) -> None:
    ada = "15550000301"
    shop.graph.fail_next(2, status=503, times=4)  # more than the Graph client's own quick retries
    assert (await shop.post(wa.text(ada, "wamid.job-1", "hello later"))).status_code == 200
    assert (await shop.retried("wamid.job-1")).error_code == "whatsapp_unavailable"
    refused = shop.graph.texts(ada)
    shop.clock.at += timedelta(minutes=5)

    job = whatsapp_retries(shop)
    handled = [await job.run(shop.clock.at), await job.run(shop.clock.at)]

    assert refused == []
    assert handled == [1, 0]
    assert shop.graph.texts(ada) == ["hello later"]
    assert shop.parrot.calls == 1
