"""SQLAlchemy 2 async Core persistence: SQLite (aiosqlite) embedded, PostgreSQL (psycopg 3) in production."""
