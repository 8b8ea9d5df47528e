"""share responses: disputes and confirmations recorded for outside co-inventors

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 07:00:00.000000

An inventor may dispute their share instead of confirming it (with a reason), and the case's
officer may record an outside co-inventor's confirmation or dispute on their behalf, with the
evidence (a note, a file attached to the case, or both). `share_response` keeps each of them
for the share version answered; a dispute stays open until it is resolved (confirmed after
all, recorded withdrawn, or the shares changed). A confirmation itself is still
`disclosure_inventor.confirmed_at`: this table only adds what was not there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tlo.db

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'share_response',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('disclosure_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('share_version', sa.Integer(), nullable=False),
        sa.Column('share_bp', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('attachment_id', sa.Integer(), nullable=True),
        sa.Column('on_behalf', sa.Boolean(), nullable=False),
        sa.Column('recorded_at', tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_account_id', sa.Integer(), nullable=True),
        sa.Column(
            'recorded_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False
        ),
        sa.Column('resolved_at', tlo.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column('resolution_note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('resolved_by_account_id', sa.Integer(), nullable=True),
        sa.Column('resolved_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id']),
        sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.ForeignKeyConstraint(['recorded_by_account_id'], ['account.id']),
        sa.ForeignKeyConstraint(['resolved_by_account_id'], ['account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('share_response', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_share_response_disclosure_id'), ['disclosure_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_share_response_person_id'), ['person_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('share_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_response_person_id'))
        batch_op.drop_index(batch_op.f('ix_share_response_disclosure_id'))
    op.drop_table('share_response')
