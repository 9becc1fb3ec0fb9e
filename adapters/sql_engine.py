"""SQLAlchemy async engines for SQLite (aiosqlite) and, later, PostgreSQL (asyncpg)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the driver so BEGIN IMMEDIATE below is what runs.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Freed bytes are overwritten: an erased person's key must not linger in the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def create_engines(url: str) -> tuple[AsyncEngine, AsyncEngine]:
    """Returns (writer, reader).

    On SQLite the writer is one connection whose transactions start with BEGIN IMMEDIATE: a
    deferred transaction that reads and then writes can fail at once under WAL when another
    writer got there first, which no busy timeout cures. Readers use their own pool.
    """
    if url.startswith("sqlite"):
        # hide_parameters: a database error must never put personal data (or hashes) in a log.
        writer = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=60, hide_parameters=True)
        reader = create_async_engine(url, pool_size=4, max_overflow=4, hide_parameters=True)
        for engine in (writer, reader):
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(writer.sync_engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        event.listen(reader.sync_engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        return writer, reader
    engine = create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True, hide_parameters=True)
    return engine, engine
