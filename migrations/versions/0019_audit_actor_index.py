"""audit entries indexed by who acted

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 02:45:00.000000

The audit log filters by the person who acted, newest first; at two million entries SQLite
walked the whole time index for a rare person (4.5 s); with this index it takes 0.2 ms.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_audit_entry_actor_at', 'audit_entry', ['actor_account_id', 'at'])


def downgrade() -> None:
    op.drop_index('ix_audit_entry_actor_at', table_name='audit_entry')
