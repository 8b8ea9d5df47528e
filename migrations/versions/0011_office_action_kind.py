"""office action kind

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 10:00:00.000000

Each office action records what the office mailed (tlo.patents.deadlines.ActionType): a
restriction requirement or a notice of allowance sets a different period than a rejection.
Office actions recorded before were all docketed as non-final rejections, so they keep that
kind.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('office_action', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'action_type',
                sqlmodel.sql.sqltypes.AutoString(length=30),
                nullable=False,
                server_default='non_final',
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('office_action', schema=None) as batch_op:
        batch_op.drop_column('action_type')
