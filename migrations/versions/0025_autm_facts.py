"""AUTM survey facts

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 16:00:00.000000

What the AUTM Licensing Activity Survey asks and tlo did not record (issue #21):
- a company's formation date and whether it depended on a license or option of the
  university's technology for its initiation (`company.formed_on`,
  `company.depends_on_our_technology`);
- the licensee's size on the day an agreement was executed (`agreement.licensee_size`) and the
  day an agreement ended (`agreement.ended_on`);
- the day a counsel invoice was paid (`patent_cost.paid_on`).

Filled from what was known, so that past years' figures do not change unannounced:
- every signed agreement (executed, active, expired or terminated) takes its licensee's size
  *today* as its size at signing: tlo did not keep the size of the day;
- an expired or terminated agreement ends on the office's day of its first "expired" or
  "terminated" entry in the audit log (none when the log has none: it still counts as ended);
- a company that holds a signed start-up license is recorded as depending on our technology,
  formed on the day its first start-up license was signed (how the survey counted start-ups);
- a paid invoice was paid on its invoice date (the day the survey counted it until now).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tlo.db

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGNED = ('executed', 'active', 'expired', 'terminated')
ENDED = ('expired', 'terminated')


def upgrade() -> None:
    from tlo.clock import office_date

    text = sqlmodel.sql.sqltypes.AutoString
    # Added in place: nullable columns need no batch copy of the tables others point at.
    op.add_column('company', sa.Column('formed_on', sa.Date(), nullable=True))
    op.add_column('company', sa.Column('depends_on_our_technology', sa.Boolean(), nullable=True))
    op.add_column('agreement', sa.Column('licensee_size', text(length=10), nullable=True))
    op.add_column('agreement', sa.Column('ended_on', sa.Date(), nullable=True))
    op.add_column('patent_cost', sa.Column('paid_on', sa.Date(), nullable=True))
    op.create_index(op.f('ix_patent_cost_paid_on'), 'patent_cost', ['paid_on'], unique=False)

    bind = op.get_bind()
    company = sa.table(
        'company',
        sa.column('id', sa.Integer),
        sa.column('size', sa.String),
        sa.column('formed_on', sa.Date),
        sa.column('depends_on_our_technology', sa.Boolean),
    )
    agreement = sa.table(
        'agreement',
        sa.column('id', sa.Integer),
        sa.column('company_id', sa.Integer),
        sa.column('agreement_type', sa.String),
        sa.column('status', sa.String),
        sa.column('signed_on', sa.Date),
        sa.column('licensee_size', sa.String),
        sa.column('ended_on', sa.Date),
    )
    audit_entry = sa.table(
        'audit_entry',
        sa.column('object_type', sa.String),
        sa.column('object_id', sa.String),
        sa.column('action', sa.String),
        sa.column('at', tlo.db.UTCDateTime(timezone=True)),
    )
    patent_cost = sa.table(
        'patent_cost',
        sa.column('paid', sa.Boolean),
        sa.column('invoice_date', sa.Date),
        sa.column('paid_on', sa.Date),
    )
    bind.execute(
        agreement.update()
        .where(agreement.c.status.in_(SIGNED))
        .values(
            licensee_size=sa.select(company.c.size)
            .where(company.c.id == agreement.c.company_id)
            .scalar_subquery()
        )
    )
    ends = bind.execute(
        sa.select(agreement.c.id, sa.func.min(audit_entry.c.at))
        .join(audit_entry, audit_entry.c.object_id == sa.cast(agreement.c.id, sa.String))
        .where(
            agreement.c.status.in_(ENDED),
            audit_entry.c.object_type == 'agreement',
            audit_entry.c.action.in_([f'agreement.{status}' for status in ENDED]),
        )
        .group_by(agreement.c.id)
    ).all()
    for agreement_id, ended_at in ends:  # the office's day, not UTC's: done in Python
        bind.execute(
            agreement.update()
            .where(agreement.c.id == agreement_id)
            .values(ended_on=office_date(ended_at))
        )
    first_startup_license = (
        sa.select(sa.func.min(agreement.c.signed_on))
        .where(
            agreement.c.company_id == company.c.id,
            agreement.c.agreement_type == 'startup_license',
            agreement.c.status.in_(SIGNED),
        )
        .scalar_subquery()
    )
    bind.execute(
        company.update()
        .where(first_startup_license.is_not(None))
        .values(formed_on=first_startup_license, depends_on_our_technology=sa.true())
    )
    bind.execute(
        patent_cost.update()
        .where(patent_cost.c.paid == sa.true())
        .values(paid_on=patent_cost.c.invoice_date)
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_patent_cost_paid_on'), table_name='patent_cost')
    # SQLite drops a column in place unless an index or a key uses it; the index is gone.
    op.drop_column('patent_cost', 'paid_on')
    op.drop_column('agreement', 'ended_on')
    op.drop_column('agreement', 'licensee_size')
    op.drop_column('company', 'depends_on_our_technology')
    op.drop_column('company', 'formed_on')
