"""share links: the single-use, expiring links outside co-inventors answer their share with

Revision ID: 0034
Revises: 0032
Create Date: 2026-12-03 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tlo.db

revision: str = "0034"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "share_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("share_version", sa.Integer(), nullable=False),
        sa.Column("share_bp", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", tlo.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosure.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_sha256"),
    )
    op.create_index("ix_share_link_disclosure_id", "share_link", ["disclosure_id"])
    op.create_index("ix_share_link_person_id", "share_link", ["person_id"])


def downgrade() -> None:
    op.drop_table("share_link")
