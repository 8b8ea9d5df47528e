"""licensed patents kept with the agreement

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 02:00:00.000000

An agreement may license the whole family of its technologies (`licenses_whole_family`:
applications filed later are licensed too) or the applications chosen (`agreement_patent`),
each link now kept with when, by whom and why it was added; `patents_chosen_at` tells an
application left out on purpose from one that joined the family since.

Agreements that exist already keep exactly what they licensed: the flag is false for them, so
no executed agreement silently grows; having no `patents_chosen_at`, their page lists every
living application of the family they do not license as not licensed yet, to be added (with a
note) where the agreement covers it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tlo.db

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Columns added in place, not by a batch copy: on SQLite a copy drops the old `agreement`
    # table, which the foreign keys of other tables' rows forbid (and an added column needs no
    # copy). `agreement_patent` is copied for its new foreign key; no table refers to it.
    op.add_column(
        'agreement',
        sa.Column('licenses_whole_family', sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        'agreement',
        sa.Column('patents_chosen_at', tlo.db.UTCDateTime(timezone=True), nullable=True),
    )
    with op.batch_alter_table('agreement_patent', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('added_at', tlo.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('added_by_account_id', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                'added_by_name',
                sqlmodel.sql.sqltypes.AutoString(length=200),
                server_default='',
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                'note',
                sqlmodel.sql.sqltypes.AutoString(length=300),
                server_default='',
                nullable=False,
            )
        )
        batch_op.create_foreign_key(
            'fk_agreement_patent_added_by_account_id_account',
            'account',
            ['added_by_account_id'],
            ['id'],
        )


def downgrade() -> None:
    with op.batch_alter_table('agreement_patent', schema=None) as batch_op:
        batch_op.drop_constraint(
            'fk_agreement_patent_added_by_account_id_account', type_='foreignkey'
        )
        batch_op.drop_column('note')
        batch_op.drop_column('added_by_name')
        batch_op.drop_column('added_by_account_id')
        batch_op.drop_column('added_at')
    # SQLite (3.35 and later) drops a column in place too.
    op.drop_column('agreement', 'patents_chosen_at')
    op.drop_column('agreement', 'licenses_whole_family')
