"""signin sessions

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 02:00:00.000000

A password sign-in outlives the browser tab: the browser keeps a random token in an HttpOnly
cookie and `signin_session` keeps its SHA-256, with when it was last used (idle expiry), when
it ends at the latest, and whether it was ended (sign-out, deactivation, password change).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tlo.db

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signin_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("handoff_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("handoff_expires_at", tlo.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", tlo.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("handoff_hash"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("signin_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signin_session_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signin_session_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("signin_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signin_session_expires_at"))
        batch_op.drop_index(batch_op.f("ix_signin_session_account_id"))

    op.drop_table("signin_session")
