"""Migration 0011 makes a provider's subscription reference unique: duplicates that the race made before it keep
the most recently synced row, and grants without a reference are left alone (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.migrate import upgrade_database
from tests.integration.persistence.test_migrations import empty

__all__ = ["empty"]

_ROW = text(
    "INSERT INTO subscriptions (tenant_id, id, user_id, plan_code, status, current_period_start,"
    " cancel_at_period_end, provider, provider_ref, provider_synced_at)"
    " VALUES ('t', :id, 'u', 'pro', :status, :start, false, :provider, :ref, :synced)"
)


async def test_upgrading_keeps_the_newest_of_duplicate_subscriptions(empty: Database) -> None:
    await upgrade_database(empty, "0009")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        ("older", "expired", "stripe", "sub_1", datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC)),
        ("newer", "active", "stripe", "sub_1", datetime(2026, 1, 1, 0, 0, 2, tzinfo=UTC)),
        ("other", "active", "stripe", "sub_2", None),
        ("grant-a", "active", "manual", None, None),
        ("grant-b", "active", "manual", None, None),
    ]
    async with empty.connect() as conn:
        for sub_id, status, provider, ref, synced in rows:
            params = {"id": sub_id, "status": status, "start": start, "provider": provider, "ref": ref}
            await conn.execute(_ROW, {**params, "synced": synced})
        await conn.commit()
    await upgrade_database(empty)
    async with empty.connect() as conn:
        kept = (await conn.execute(text("SELECT id, status FROM subscriptions ORDER BY id"))).all()
    assert [tuple(r) for r in kept] == [
        ("grant-a", "active"),
        ("grant-b", "active"),
        ("newer", "active"),
        ("other", "active"),
    ]
