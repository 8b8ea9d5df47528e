"""the stored docket

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 02:00:00.000000

The deadlines the rules compute (tlo/patents/docket.py) and the obligations of executed and
active agreements are kept in `docket_item`, one row per item and the days it is shown on, so
that the docket is read with SQL filters instead of being recomputed for every live case on
every view; `docket_source` lists the cases and agreements held. Session hooks keep both
current whenever the facts of a case or an agreement change (tlo/patents/models.py).

The upgrade fills them from the records. Should that fail (an old database upgraded far past
this revision, whose tables the code of the day no longer reads), the tables stay empty and the
docket fills them on its first reading: the cases it holds nothing for are computed then.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "docket_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("officer_person_id", sa.Integer(), nullable=True),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("file_by", sa.Date(), nullable=True),
        sa.Column("window_opens", sa.Date(), nullable=True),
        sa.Column("grace_ends", sa.Date(), nullable=True),
        sa.Column("act_by", sa.Date(), nullable=False),
        sa.Column("met_by_records", sa.Boolean(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("shown_from", sa.Date(), nullable=True),
        sa.Column("shown_until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("docket_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_docket_item_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_docket_item_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_docket_item_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_docket_item_due"), ["due"], unique=False)
        batch_op.create_index("ix_docket_item_state_act_by", ["state", "act_by"], unique=False)
        batch_op.create_index(
            "ix_docket_item_officer_state_act_by",
            ["officer_person_id", "state", "act_by"],
            unique=False,
        )
    op.create_table(
        "docket_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column("refreshed_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agreement_id"),
        sa.UniqueConstraint("case_id"),
    )
    with op.batch_alter_table("docket_source", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_docket_source_valid_until"), ["valid_until"], unique=False
        )
    _fill()


def _fill() -> None:
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT COUNT(*) FROM disclosure")).scalar() == 0:
        return  # a new database: nothing to compute
    from sqlmodel import Session

    try:
        with connection.begin_nested():
            from tlo.patents.services import rebuild_docket

            session = Session(bind=connection)
            rebuild_docket(session)
            session.flush()
    except Exception:  # the docket computes what it lacks when it is first read
        pass


def downgrade() -> None:
    with op.batch_alter_table("docket_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_docket_source_valid_until"))
    op.drop_table("docket_source")
    with op.batch_alter_table("docket_item", schema=None) as batch_op:
        batch_op.drop_index("ix_docket_item_officer_state_act_by")
        batch_op.drop_index("ix_docket_item_state_act_by")
        batch_op.drop_index(batch_op.f("ix_docket_item_due"))
        batch_op.drop_index(batch_op.f("ix_docket_item_agreement_id"))
        batch_op.drop_index(batch_op.f("ix_docket_item_case_id"))
        batch_op.drop_index(batch_op.f("ix_docket_item_key"))
    op.drop_table("docket_item")
