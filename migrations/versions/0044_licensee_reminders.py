"""licensee reminders (#17): each reminder of an overdue invoice or report, logged on its
agreement, so that a licensee is reminded of an item at most once every few days

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-04 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0044"
down_revision: str | None = "0043"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "licensee_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=120), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_to", sa.String(length=320), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["outbox_message.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_licensee_reminder_agreement_id", "licensee_reminder", ["agreement_id"])
    op.create_index("ix_licensee_reminder_item_key", "licensee_reminder", ["item_key"])


def downgrade() -> None:
    op.drop_table("licensee_reminder")
