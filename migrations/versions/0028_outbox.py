"""outbox: queued messages and notification preferences

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tlo.db

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient_person_id", sa.Integer(), nullable=True),
        sa.Column("recipient_email", sa.String(length=320), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("created_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", tlo.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("read_at", tlo.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["recipient_person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outbox_message_kind", "outbox_message", ["kind"])
    op.create_index(
        "ix_outbox_message_recipient_person_id", "outbox_message", ["recipient_person_id"]
    )
    op.create_index("ix_outbox_message_status", "outbox_message", ["status"])
    op.create_table(
        "notification_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "kind"),
    )
    op.create_index(
        "ix_notification_preference_person_id", "notification_preference", ["person_id"]
    )


def downgrade() -> None:
    op.drop_table("notification_preference")
    op.drop_table("outbox_message")
