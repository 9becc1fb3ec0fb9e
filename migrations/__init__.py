"""Alembic migrations: one history for SQLite and PostgreSQL. Ships inside the package."""
