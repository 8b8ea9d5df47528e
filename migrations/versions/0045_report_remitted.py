"""what a licensee says it paid with a royalty report (#17), for finance to compare with what
the report owes

Revision ID: 0045
Revises: 0044
Create Date: 2026-12-04 20:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0045"
down_revision: str | None = "0044"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("royalty_report") as batch:
        batch.add_column(sa.Column("remitted_cents", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("royalty_report") as batch:
        batch.drop_column("remitted_cents")
