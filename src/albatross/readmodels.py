"""Shared toolkit for read models: their MetaData and a buffered, key-addressed row writer.

Projections write through `RowBatch`: inserts, updates and deletes by primary key are merged in
memory and flushed with one executemany per table and kind, so replaying the log costs a few
statements per thousand events rather than one per event.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import MetaData, Table, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

metadata = MetaData()


def as_json(value: Any) -> str:
    """A record kept whole in a Text column (a snapshot, a list), as JSON."""
    return msgspec.json.encode(value).decode()


def record_id(stream_id: str) -> str:
    """`flight-<id>` -> `<id>`: the id of the record a stream holds."""
    return stream_id.split("-", 1)[1]


Key = tuple[Any, ...]


class _Pending:
    __slots__ = ("deleted", "inserted", "values")

    def __init__(self) -> None:
        self.deleted = False  # delete the stored row first
        self.inserted = False  # values form a whole new row
        self.values: dict[str, Any] = {}


class RowBatch:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self._pending: dict[Table, dict[Key, _Pending]] = {}

    @staticmethod
    def _key(table: Table, row_or_key: dict[str, Any] | Key | Any) -> Key:
        if isinstance(row_or_key, dict):
            return tuple(row_or_key[c.name] for c in table.primary_key.columns)
        return row_or_key if isinstance(row_or_key, tuple) else (row_or_key,)

    def _entry(self, table: Table, key: Key) -> _Pending:
        rows = self._pending.setdefault(table, {})
        entry = rows.get(key)
        if entry is None:
            entry = rows[key] = _Pending()
        return entry

    def insert(self, table: Table, row: dict[str, Any]) -> None:
        key = self._key(table, row)
        entry = self._entry(table, key)
        entry.deleted = entry.deleted or bool(entry.values) or entry.inserted
        entry.inserted = True
        entry.values = dict(row)

    def update(self, table: Table, key: Key | Any, values: dict[str, Any]) -> None:
        self._entry(table, self._key(table, key)).values.update(values)

    def delete(self, table: Table, key: Key | Any) -> None:
        entry = self._entry(table, self._key(table, key))
        entry.deleted, entry.inserted, entry.values = True, False, {}

    async def get(self, table: Table, key: Key | Any) -> dict[str, Any] | None:
        """The row as the batch will leave it (pending writes merged over the stored row)."""
        key = self._key(table, key)
        entry = self._pending.get(table, {}).get(key)
        if entry is not None and entry.inserted:
            return dict(entry.values)
        if entry is not None and entry.deleted:
            return None
        pk = list(table.primary_key.columns)
        result = await self.conn.execute(select(table).where(*(c == v for c, v in zip(pk, key, strict=True))))
        stored = result.mappings().first()
        if stored is None:
            return None
        row = dict(stored)
        if entry is not None:
            row.update(entry.values)
        return row

    async def flush(self) -> None:
        pending, self._pending = self._pending, {}
        for table, rows in pending.items():
            pk = list(table.primary_key.columns)
            where = [c == bindparam(f"_pk_{c.name}") for c in pk]
            deletes = [
                {f"_pk_{c.name}": v for c, v in zip(pk, key, strict=True)}
                for key, e in rows.items()
                if e.deleted
            ]
            if deletes:
                await self.conn.execute(delete(table).where(*where), deletes)
            inserts: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for key, e in rows.items():
                if e.inserted:
                    inserts.setdefault(tuple(sorted(e.values)), []).append(e.values)
                elif e.values:
                    params = {f"_pk_{c.name}": v for c, v in zip(pk, key, strict=True)}
                    params.update({f"_v_{k}": v for k, v in e.values.items()})
                    updates.setdefault(tuple(sorted(e.values)), []).append(params)
            for group in inserts.values():
                await self.conn.execute(insert(table), group)
            for columns, group in updates.items():
                stmt = update(table).where(*where).values({c: bindparam(f"_v_{c}") for c in columns})
                await self.conn.execute(stmt, group)
