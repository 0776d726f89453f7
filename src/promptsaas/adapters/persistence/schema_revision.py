"""The schema revision this version of promptsaas needs, and where a database records its own: known without
SQLAlchemy or Alembic, so checking a database costs neither import."""

from __future__ import annotations

HEAD_REVISION = "0017"
"""The newest revision of the migrations (a test holds it equal to Alembic's head)."""
VERSION_TABLE = "alembic_version"
"""Alembic's table: one row, `version_num`, the revision a database is at."""
