"""Alembic environment: async engines from the same URL forms as the application, for SQLite and PostgreSQL.

Programmatic callers (`adapters.persistence.sqlalchemy.migrate`) hand over an open connection in
`config.attributes["connection"]`; the `alembic` command line gets one from `sqlalchemy.url`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from promptsaas.adapters.persistence.sqlalchemy.column_types import UtcDateTime
from promptsaas.adapters.persistence.sqlalchemy.engine import Database
from promptsaas.adapters.persistence.sqlalchemy.migrate import in_one_transaction
from promptsaas.adapters.persistence.sqlalchemy.tables import metadata

config = context.config


def render_item(kind: str, item: Any, autogen_context: Any) -> str | bool:
    """Migrations stay free of application types: a UTC timestamp is a plain timezone-aware DateTime."""
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def configure(**options: Any) -> None:
    context.configure(target_metadata=metadata, compare_type=True, render_item=render_item, **options)


def run_on(connection: Connection) -> None:
    configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


async def run_from_url(url: str) -> None:
    database = Database(url)
    try:
        await in_one_transaction(database, run_on)
    finally:
        await database.dispose()


if context.is_offline_mode():
    configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (connection := config.attributes.get("connection")) is not None:
    run_on(connection)
else:
    asyncio.run(run_from_url(config.get_main_option("sqlalchemy.url") or ""))
