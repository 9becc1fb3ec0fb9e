"""Read models and projection checkpoints in a SQL database (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from albatross.adapters.sql_schema import checkpoints
from albatross.readmodels import RowBatch


class SqlReadModelStore:
    def __init__(self, writer: AsyncEngine, reader: AsyncEngine) -> None:
        self.writer = writer
        self.reader = reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[RowBatch]:
        async with self.writer.begin() as conn:
            batch = RowBatch(conn)
            yield batch
            await batch.flush()

    async def checkpoints(self, names: Sequence[str]) -> dict[str, int]:
        async with self.reader.connect() as conn:
            rows = await conn.execute(
                select(checkpoints.c.name, checkpoints.c.position).where(checkpoints.c.name.in_(names))
            )
            found = {name: position for name, position in rows}
        return {name: found.get(name, 0) for name in names}

    async def advance(self, tx: RowBatch, name: str, old: int, new: int) -> bool:
        if old == 0:
            exists = await tx.conn.execute(select(checkpoints.c.position).where(checkpoints.c.name == name))
            current = exists.scalar_one_or_none()
            if current is None:
                await tx.conn.execute(insert(checkpoints).values(name=name, position=new))
                return True
            if current != 0:
                return False
        result = await tx.conn.execute(
            update(checkpoints)
            .where(checkpoints.c.name == name, checkpoints.c.position == old)
            .values(position=new)
        )
        return result.rowcount == 1

    async def reset(self, name: str, tables: Sequence[object]) -> None:
        async with self.writer.begin() as conn:
            for table in tables:
                await conn.execute(delete(table))  # type: ignore[arg-type]
            await conn.execute(delete(checkpoints).where(checkpoints.c.name == name))

    async def compact(self) -> None:
        if self.writer.dialect.name == "sqlite":
            # Copy the write-ahead log into the file and empty it: old page images (an erased
            # person's rows among them) must not survive in the -wal file.
            # Outside any transaction (SQLAlchemy would open one), straight on the driver.
            async with self.writer.connect() as conn:
                raw = await conn.get_raw_connection()
                await raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
