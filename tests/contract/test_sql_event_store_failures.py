"""Failures inside a group commit stay with the append that caused them (SQL adapters only:
the in-memory store has no database to refuse a row)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import msgspec
import pytest
from sqlalchemy.exc import IntegrityError

from albatross.adapters.sql_event_store import SqlEventStore
from albatross.kernel import ConcurrencyError
from tests.conftest import close_store, make_store, new_event


@pytest.mark.parametrize("kind", ["sqlite", "sqlite-portable", "postgres", "postgres-portable"])
async def test_a_row_the_database_refuses_fails_only_its_append_and_is_not_a_lost_race(
    kind: str, tmp_path: Path
) -> None:
    store = await make_store(kind, tmp_path)
    assert isinstance(store, SqlEventStore)
    try:
        poisoned = msgspec.structs.replace(new_event(), payload=None, actor_id="secret-actor-7")  # type: ignore[arg-type]
        results = await asyncio.gather(
            *(store.append(f"s-{n}", 0, [new_event()]) for n in range(5)),
            store.append("s-poisoned", 0, [poisoned]),
            *(store.append(f"s-{n}", 0, [new_event()]) for n in range(5, 10)),
            return_exceptions=True,
        )
        assert isinstance(results[5], IntegrityError)
        assert not isinstance(results[5], ConcurrencyError)
        assert "secret-actor-7" not in str(results[5])  # parameters never reach messages (or logs)
        good = [r for i, r in enumerate(results) if i != 5]
        assert all(isinstance(r, list) for r in good), good
        assert await store.read_stream("s-poisoned") == []
        assert [e.position for e in await store.read_all()] == list(range(1, 11))
    finally:
        await close_store(store)
