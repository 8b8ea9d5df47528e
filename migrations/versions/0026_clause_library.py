"""clause library

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 16:00:00.000000

The standard clauses every agreement template includes live once, in `clause_version` (one
row per version a staff member saved: saving a clause adds a version, never edits one).
Version 1 of every clause is the text shipped in templates_docx/standard_clauses.json and has
no row, so a database just migrated still holds no rows (a backup restores into it). A generated
draft records the clause versions it printed (`draft_clause`, with the text as filled in) and
the terms it was generated with (`draft_terms`), so that two drafts can be compared. Drafts
generated before this migration have neither: a comparison says so.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tlo.clock
import tlo.db

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    clause_version = op.create_table(
        "clause_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", text(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("heading", text(length=120), nullable=False),
        sa.Column("text", text(), nullable=False),
        sa.Column("federal_only", sa.Boolean(), nullable=False),
        sa.Column("note", text(length=500), nullable=False),
        sa.Column("created_by_account_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", text(length=200), nullable=False),
        sa.Column("created_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version"),
    )
    op.create_index(op.f("ix_clause_version_key"), "clause_version", ["key"], unique=False)
    op.create_table(
        "draft_clause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("clause_key", text(length=60), nullable=False),
        sa.Column("clause_version_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("heading", text(length=120), nullable=False),
        sa.Column("text", text(), nullable=False),
        sa.ForeignKeyConstraint(["clause_version_id"], ["clause_version.id"]),
        sa.ForeignKeyConstraint(["draft_id"], ["agreement_draft.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("draft_id", "clause_key"),
    )
    op.create_index(op.f("ix_draft_clause_draft_id"), "draft_clause", ["draft_id"], unique=False)
    op.create_table(
        "draft_terms",
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("terms_json", text(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["agreement_draft.id"]),
        sa.PrimaryKeyConstraint("draft_id"),
    )
    # Version 1 of every clause is the text shipped in templates_docx/standard_clauses.json,
    # not a row (as version 1 of a Word template is its shipped file): a database just
    # migrated holds no rows, so a backup restores into it.


def downgrade() -> None:
    op.drop_table("draft_terms")
    op.drop_index(op.f("ix_draft_clause_draft_id"), table_name="draft_clause")
    op.drop_table("draft_clause")
    op.drop_index(op.f("ix_clause_version_key"), table_name="clause_version")
    op.drop_table("clause_version")
