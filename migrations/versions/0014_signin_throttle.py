"""signin throttle

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 10:00:00.000000

Failed sign-ins counted per client address and per (account, client) pair, in a window
(tlo/auth/throttle.py): an attacker is slowed down by address, and one who fails against the
administrator's account locks it only for their own address, not for the administrator.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tlo.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signin_throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_ends_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
        ),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("signin_throttle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signin_throttle_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signin_throttle_window_ends_at"), ["window_ends_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("signin_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signin_throttle_window_ends_at"))
        batch_op.drop_index(batch_op.f("ix_signin_throttle_account_id"))

    op.drop_table("signin_throttle")
