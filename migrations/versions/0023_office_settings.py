"""the parties: office settings and the licensee's signatory

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 07:00:00.000000

Every Word template names the parties from data, not from text typed into the code: the
university's legal name, address and signatory and the office's name and contact are one row
of `office_settings` (none in an office that has not given them: its documents print bracketed
placeholders), and an agreement names which of the licensee's contacts signs for it
(`licensee_signatory_contact_id`, empty for the agreements recorded before).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tlo.db

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        'office_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('university_name', text(length=200), nullable=False),
        sa.Column('university_legal_name', text(length=300), nullable=False),
        sa.Column('university_legal_description', text(length=300), nullable=False),
        sa.Column('university_address', text(length=500), nullable=False),
        sa.Column('governing_law', text(length=200), nullable=False),
        sa.Column('signatory_name', text(length=200), nullable=False),
        sa.Column('signatory_title', text(length=200), nullable=False),
        sa.Column('office_name', text(length=200), nullable=False),
        sa.Column('office_address', text(length=500), nullable=False),
        sa.Column('office_email', text(length=320), nullable=False),
        sa.Column('office_phone', text(length=50), nullable=False),
        sa.Column('updated_at', tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_by_account_id', sa.Integer(), nullable=True),
        sa.Column('updated_by_name', text(length=200), nullable=False),
        sa.CheckConstraint('id = 1', name='ck_office_settings_one_row'),
        sa.ForeignKeyConstraint(['updated_by_account_id'], ['account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    # Added in place with its reference inline, not by a batch copy of `agreement` (which
    # income, drafts and links point at); an added column needs no copy on SQLite.
    op.add_column(
        'agreement',
        sa.Column(
            'licensee_signatory_contact_id',
            sa.Integer(),
            sa.ForeignKey('contact.id', name='fk_agreement_licensee_signatory_contact_id_contact'),
            nullable=True,
        ),
        inline_references=True,
    )


def downgrade() -> None:
    # SQLite drops no column that a foreign key uses in place: a batch copy (foreign keys are
    # off while migrating); PostgreSQL drops the constraint with the column.
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_column('licensee_signatory_contact_id')
    op.drop_table('office_settings')
