"""Tables of the event store (alembic's migrations create them; this mirrors them for queries)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)

metadata = MetaData()

# Positions are assigned by the store under its write lock, so they are gap-free and commit in
# order (see SqlEventStore); BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
Position = BigInteger().with_variant(Integer(), "sqlite")

events = Table(
    "events",
    metadata,
    Column("position", Position, primary_key=True, autoincrement=False),
    Column("event_id", String(36), nullable=False),
    Column("stream_id", String(200), nullable=False),
    Column("stream_type", String(50), nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("schema_version", SmallInteger, nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("tenant_id", String(36), nullable=True),
    Column("actor_id", String(36), nullable=True),
    Column("correlation_id", String(64), nullable=True),
    Column("causation_id", String(64), nullable=True),
    Column("recorded_at", BigInteger, nullable=False),
    UniqueConstraint("event_id", name="uq_events_event_id"),
    UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
    Index("ix_events_tenant_position", "tenant_id", "position"),
)

checkpoints = Table(
    "projection_checkpoints",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

vault_keys = Table(
    "vault_keys",
    metadata,
    Column("subject_id", String(64), primary_key=True),
    Column("key", LargeBinary, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)
