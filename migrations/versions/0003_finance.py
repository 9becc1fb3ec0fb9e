"""Finance read models: ledger lines and recurring expenses.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_ledger_lines",
        sa.Column("entry_id", sa.String(36), primary_key=True),
        sa.Column("line_no", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("ledger", sa.String(80), nullable=False),
        sa.Column("account", sa.String(100), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("memo", sa.Text, nullable=False),
        sa.Column("reference", sa.String(200), nullable=True),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
    )
    op.create_index("ix_rm_ledger_lines_ledger_month", "rm_ledger_lines", ["tenant_id", "ledger", "month"])
    op.create_index("ix_rm_ledger_lines_ledger_day", "rm_ledger_lines", ["tenant_id", "ledger", "day"])
    op.create_index("ix_rm_ledger_lines_at", "rm_ledger_lines", ["tenant_id", "at"])
    op.create_index("ix_rm_ledger_lines_reference", "rm_ledger_lines", ["tenant_id", "reference"])
    op.create_table(
        "rm_expenses",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("starts", sa.String(10), nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_rm_expenses_tenant", "rm_expenses", ["tenant_id", "name"])


def downgrade() -> None:
    op.drop_table("rm_expenses")
    op.drop_table("rm_ledger_lines")
