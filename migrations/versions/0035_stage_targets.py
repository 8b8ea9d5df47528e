"""stage targets: the office's service-level target in days for each stage of a case

Revision ID: 0035
Revises: 0030
Create Date: 2026-12-03 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tlo.db

revision: str = "0035"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stage_target",
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("target_days", sa.Integer(), nullable=True),
        sa.Column("updated_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_account_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("status"),
    )


def downgrade() -> None:
    op.drop_table("stage_target")
