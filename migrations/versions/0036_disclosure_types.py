"""disclosure types: each disclosure's type and its answers to that type's own questions

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-03 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "disclosure",
        sa.Column(
            "disclosure_type", sa.String(length=40), nullable=False, server_default="invention"
        ),
    )
    op.add_column("disclosure", sa.Column("type_answers", sa.JSON(), nullable=True))


def downgrade() -> None:
    for column in ("type_answers", "disclosure_type"):
        if op.get_bind().dialect.name == "sqlite":
            # In place (SQLite 3.35 and later): alembic would copy the table, and the copy
            # turns each column's REFERENCES into a table constraint 0032 cannot drop.
            op.execute(f"ALTER TABLE disclosure DROP COLUMN {column}")
        else:
            op.drop_column("disclosure", column)
