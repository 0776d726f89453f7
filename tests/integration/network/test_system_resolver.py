"""The system resolver answers what the C library answers, so every spelling of loopback is seen as loopback."""

from __future__ import annotations

import time

import pytest

from promptsaas.adapters.network.resolver import SystemResolver
from promptsaas.application.attachment_urls import check_url
from promptsaas.domain.errors import InvalidInput


async def test_localhost_resolves_to_loopback_from_the_hosts_file() -> None:
    assert "127.0.0.1" in await SystemResolver().addresses("localhost")


async def test_a_name_that_cannot_resolve_gives_no_address_quickly() -> None:
    started = time.monotonic()
    assert await SystemResolver(timeout_seconds=2.0).addresses("no-such-host.invalid") == ()
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("host", ["localhost", "2130706433", "0x7f.1", "127.1", "localhost."])
async def test_every_spelling_of_loopback_is_refused(host: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        await check_url(f"http://{host}/cat.png", "attachments[0]", SystemResolver())
    assert raised.value.code == "attachment_url_not_allowed"
