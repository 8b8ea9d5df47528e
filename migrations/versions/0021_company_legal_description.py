"""a company's legal description

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 07:00:00.000000

An agreement names its licensee as it is in law ("HarborBio Inc., a Delaware corporation"):
the kind of entity and where it is organised are the company's own fields, empty for the
companies recorded before (their description is then their name alone, never their size).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Added in place, not by a batch copy: contacts, outreach and agreements point at
    # `company`, and an added column needs no copy on SQLite.
    for column in ('entity_kind', 'jurisdiction'):
        op.add_column(
            'company',
            sa.Column(
                column,
                sqlmodel.sql.sqltypes.AutoString(length=100),
                server_default='',
                nullable=False,
            ),
        )


def downgrade() -> None:
    # SQLite (3.35 and later) drops a column in place too.
    op.drop_column('company', 'jurisdiction')
    op.drop_column('company', 'entity_kind')
