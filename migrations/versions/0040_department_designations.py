"""department designations: the department an inventor names for the departmental share that
follows theirs, where the policy allows it

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-04 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tlo.db

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "department_designation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("designated_by_account_id", sa.Integer(), nullable=True),
        sa.Column("designated_by_name", sa.String(length=200), nullable=False),
        sa.Column("designated_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosure.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"]),
        sa.ForeignKeyConstraint(["designated_by_account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("disclosure_id", "person_id"),
    )
    op.create_index(
        "ix_department_designation_disclosure_id", "department_designation", ["disclosure_id"]
    )


def downgrade() -> None:
    op.drop_table("department_designation")
