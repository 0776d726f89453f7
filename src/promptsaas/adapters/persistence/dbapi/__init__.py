"""Reads on the database driver itself (stdlib `sqlite3`, psycopg for PostgreSQL) with plain SQL: what a process
that only reads needs (the CLI's read commands), without importing SQLAlchemy or Alembic."""
