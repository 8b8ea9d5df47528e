"""invoices as documents (#17): the office's payment instructions printed on invoices, a file
sent with an outbox message, and whom an invoice was last e-mailed to

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-04 19:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tlo.db

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("office_settings") as batch:
        batch.add_column(
            sa.Column(
                "payment_instructions", sa.String(length=1000), nullable=False, server_default=""
            )
        )
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("attachment_name", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("attachment_sha256", sa.String(length=64), nullable=True))
    with op.batch_alter_table("licensee_invoice") as batch:
        batch.add_column(sa.Column("sent_to", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("sent_at", tlo.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("licensee_invoice") as batch:
        batch.drop_column("sent_at")
        batch.drop_column("sent_to")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("attachment_sha256")
        batch.drop_column("attachment_name")
    with op.batch_alter_table("office_settings") as batch:
        batch.drop_column("payment_instructions")
