"""Fixtures for every test tier: a PostgreSQL server and a fresh database per test (see tests/support/postgres.py)."""

from tests.support.postgres import postgres_server, postgres_url

__all__ = ["postgres_server", "postgres_url"]
