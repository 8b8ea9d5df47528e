"""a company's address for notices

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02 17:20:00.000000

An agreement's notices clause names where notices to the licensee go: the company's postal
address (`company.notice_address`, lines of text; empty for the companies recorded before, whose
drafts keep the bracketed "[Licensee's address for notices]" until it is given).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Added in place: contacts, outreach and agreements point at `company`.
    op.add_column(
        "company",
        sa.Column(
            "notice_address",
            sqlmodel.sql.sqltypes.AutoString(length=500),
            nullable=False,
            server_default="",
        ),
    )


def downgrade() -> None:
    # SQLite (3.35 and later) drops a column in place too.
    op.drop_column("company", "notice_address")
