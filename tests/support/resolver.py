"""A resolver from a table, for tests that use image URLs on public names with no network to ask."""

from __future__ import annotations

from collections.abc import Mapping

from promptsaas.application.ports.network import HostResolver

PUBLIC = "93.184.215.14"


class StaticResolver(HostResolver):
    """Names resolve from a table; any other name does not resolve."""

    def __init__(self, table: Mapping[str, tuple[str, ...]]) -> None:
        self.table = dict(table)

    async def addresses(self, host: str) -> tuple[str, ...]:
        return self.table.get(host, ())
