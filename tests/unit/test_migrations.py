"""Alembic's history and the tables the code uses must agree, and upgrade must be repeatable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData

import albatross.bootstrap  # noqa: F401  (imports every context's read-model tables)
from albatross.adapters import sql_schema
from albatross.adapters.sql_engine import create_engines
from albatross.adapters.sql_migrations import current_revision, head_revision, upgrade
from albatross.readmodels import metadata as read_model_metadata


def all_tables() -> MetaData:
    combined = MetaData()
    for source in (sql_schema.metadata, read_model_metadata):
        for table in source.tables.values():
            table.to_metadata(combined)
    return combined


async def test_the_migrated_schema_matches_the_table_definitions(tmp_path: Path) -> None:
    writer, reader = create_engines(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    await upgrade(writer)
    await upgrade(writer)  # a second run is a no-op
    assert await current_revision(writer) == head_revision()

    def diff(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [d for d in compare_metadata(context, all_tables()) if d[0] != "remove_table"]

    async with writer.connect() as conn:
        differences = await conn.run_sync(diff)
    await writer.dispose()
    await reader.dispose()
    assert differences == []
