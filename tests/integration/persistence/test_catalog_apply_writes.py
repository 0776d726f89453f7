"""A catalog apply writes in a few bulk statements after reading everything, so its write transaction (SQLite's one
writer, which every tenant's writes wait for) does not last as long as the whole document."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event

from promptsaas.entrypoints.library import AsyncPlatform
from tests.e2e.http.world import settings_for
from tests.integration.persistence.test_storefront_reads import catalog

WRITES = ("INSERT", "UPDATE", "DELETE")


class WriteSpan:
    """The statements from the first write on: all of them run inside the write transaction."""

    def __init__(self) -> None:
        self.statements = 0
        self.writing = False

    def __call__(self, _conn: object, _cursor: object, statement: str, *_: object) -> None:
        self.writing = self.writing or statement.lstrip().upper().startswith(WRITES)
        self.statements += self.writing


async def test_the_write_transaction_of_an_apply_does_not_grow_with_its_agents(tmp_path: Path) -> None:
    settings = settings_for(f"sqlite:///{tmp_path / 'apply.db'}", tmp_path, "http://127.0.0.1:9/jwks")
    async with AsyncPlatform.open(settings=settings) as platform:
        engine = platform.container.persistence().database().engine.sync_engine
        spans = []
        for slug, count in (("small", 5), ("large", 80)):
            tenant = await platform.create_tenant(slug, name=slug.title())
            span = WriteSpan()
            event.listen(engine, "before_cursor_execute", span)
            try:
                result = await tenant.apply_catalog(catalog(count))
            finally:
                event.remove(engine, "before_cursor_execute", span)
            assert sum(change.endswith("created") for change in result.changes) == count
            assert len(await tenant.agents()) == count
            spans.append(span.statements)

    small, large = spans
    assert large == small, f"{small} statements in the write transaction for 5 agents, {large} for 80"
