"""Fixtures for every test tier: a PostgreSQL server, a fresh database per test, and a cluster a test may stop (see
tests/support/postgres.py)."""

from tests.support.postgres import postgres_server, postgres_url, stoppable_postgres

__all__ = ["postgres_server", "postgres_url", "stoppable_postgres"]
