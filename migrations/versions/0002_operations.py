"""Operations read models: airline profiles, airline airports, subfleets, aircraft, flights, bids.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_airline_profiles",
        sa.Column("tenant_id", sa.String(36), primary_key=True),
        sa.Column("profile", sa.Text, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "rm_airports",
        sa.Column("tenant_id", sa.String(36), primary_key=True),
        sa.Column("icao", sa.String(4), primary_key=True),
        sa.Column("hub", sa.Boolean, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "rm_subfleets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(50), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_rm_subfleets_tenant", "rm_subfleets", ["tenant_id", "type"])
    op.create_table(
        "rm_aircraft",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("registration", sa.String(10), nullable=False),
        sa.Column("subfleet_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("location", sa.String(4), nullable=True),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_rm_aircraft_tenant", "rm_aircraft", ["tenant_id", "registration"])
    op.create_table(
        "rm_flights",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("airline", sa.String(3), nullable=False),
        sa.Column("flight_number", sa.String(10), nullable=False),
        sa.Column("departure", sa.String(4), nullable=False),
        sa.Column("arrival", sa.String(4), nullable=False),
        sa.Column("distance_nm", sa.Float, nullable=False),
        sa.Column("block_minutes", sa.Integer, nullable=False),
        sa.Column("flight_type", sa.String(1), nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("visible", sa.Boolean, nullable=False),
        sa.Column("start_date", sa.String(10), nullable=True),
        sa.Column("end_date", sa.String(10), nullable=True),
        sa.Column("subfleets", sa.Text, nullable=False),
        sa.Column("search", sa.Text, nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_rm_flights_tenant_route", "rm_flights", ["tenant_id", "departure", "arrival"])
    op.create_index("ix_rm_flights_tenant_number", "rm_flights", ["tenant_id", "airline", "flight_number"])
    op.create_table(
        "rm_bids",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("flight_id", sa.String(36), nullable=False),
        sa.Column("aircraft_id", sa.String(36), nullable=True),
        sa.Column("placed_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_rm_bids_user", "rm_bids", ["user_id"])
    op.create_index("ix_rm_bids_flight", "rm_bids", ["flight_id"])


def downgrade() -> None:
    for table in (
        "rm_bids",
        "rm_flights",
        "rm_aircraft",
        "rm_subfleets",
        "rm_airports",
        "rm_airline_profiles",
    ):
        op.drop_table(table)
