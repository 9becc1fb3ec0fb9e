"""Flights read models: PIREPs, tracks, ACARS logs, comments, careers, awards, aircraft state.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = (
    "rm_acars_logs",
    "rm_aircraft_state",
    "rm_briefings",
    "rm_career_flights",
    "rm_career_settings",
    "rm_careers",
    "rm_pilot_awards",
    "rm_pirep_comments",
    "rm_pireps",
    "rm_positions",
)


def upgrade() -> None:
    op.create_table(
        "rm_acars_logs",
        sa.Column("pirep_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("pirep_id", "seq"),
    )
    op.create_table(
        "rm_aircraft_state",
        sa.Column("aircraft_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("location", sa.String(length=4), nullable=True),
        sa.Column("minutes", sa.BigInteger(), nullable=False),
        sa.Column("fuel_on_board_lbs", sa.Float(), nullable=True),
        sa.Column("in_use_by", sa.String(length=36), nullable=True),
        sa.Column("recent", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("aircraft_id"),
    )
    op.create_table(
        "rm_briefings",
        sa.Column("bid_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("flight_id", sa.String(length=36), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("bid_id"),
    )
    op.create_table(
        "rm_career_flights",
        sa.Column("pirep_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("landing_rate_fpm", sa.Float(), nullable=True),
        sa.Column("arrival", sa.String(length=4), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("pirep_id"),
    )
    op.create_index("ix_rm_career_flights_user", "rm_career_flights", ["user_id", "at"], unique=False)
    op.create_table(
        "rm_career_settings",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    op.create_table(
        "rm_careers",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("flights", sa.Integer(), nullable=False),
        sa.Column("flight_minutes", sa.BigInteger(), nullable=False),
        sa.Column("transfer_minutes", sa.BigInteger(), nullable=False),
        sa.Column("rank", sa.String(length=50), nullable=True),
        sa.Column("location", sa.String(length=4), nullable=True),
        sa.Column("last_flight_at", sa.BigInteger(), nullable=True),
        sa.Column("last_filed_at", sa.BigInteger(), nullable=True),
        sa.Column("landing_rate_sum", sa.Float(), nullable=False),
        sa.Column("landing_rate_count", sa.Integer(), nullable=False),
        sa.Column("recent", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_index("ix_rm_careers_tenant", "rm_careers", ["tenant_id"], unique=False)
    op.create_table(
        "rm_pilot_awards",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("award_id", sa.String(length=50), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("pirep_id", sa.String(length=36), nullable=True),
        sa.Column("granted_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "award_id"),
    )
    op.create_table(
        "rm_pirep_comments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("pirep_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("author_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rm_pirep_comments_pirep", "rm_pirep_comments", ["pirep_id", "at"], unique=False)
    op.create_table(
        "rm_pireps",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("pilot_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("airline", sa.String(length=3), nullable=False),
        sa.Column("flight_number", sa.String(length=10), nullable=False),
        sa.Column("departure", sa.String(length=4), nullable=False),
        sa.Column("arrival", sa.String(length=4), nullable=False),
        sa.Column("aircraft_id", sa.String(length=36), nullable=True),
        sa.Column("flight_id", sa.String(length=36), nullable=True),
        sa.Column("flight_minutes", sa.Integer(), nullable=True),
        sa.Column("distance_nm", sa.Float(), nullable=True),
        sa.Column("landing_rate_fpm", sa.Float(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("waypoints", sa.Text(), nullable=False),
        sa.Column("accepted_rule", sa.Text(), nullable=True),
        sa.Column("reject_reason", sa.Text(), nullable=True),
        sa.Column("last_position", sa.Text(), nullable=True),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.Column("briefing", sa.Text(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("submitted_at", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rm_pireps_pilot", "rm_pireps", ["pilot_id", "created_at"], unique=False)
    op.create_index(
        "ix_rm_pireps_tenant_state", "rm_pireps", ["tenant_id", "state", "submitted_at"], unique=False
    )
    op.create_table(
        "rm_positions",
        sa.Column("pirep_id", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("altitude_ft", sa.Float(), nullable=True),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("pirep_id", "id"),
    )
    op.create_index("ix_rm_positions_track", "rm_positions", ["pirep_id", "at"], unique=False)


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
