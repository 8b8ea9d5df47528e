"""signatures of a disclosure, and its principal investigator

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-03 09:00:00.000000

Each inventor signs the disclosure by typing their name ("I have read this disclosure and my
contribution is correctly stated"), and the principal investigator signs it off when not an
inventor (tlo/disclosures/signatures.py). `disclosure.pi_person_id` names the PI (a person of
the directory, empty for the disclosures made before). `disclosure_signature` keeps each
signature with the SHA-256 of the disclosure's content as signed; a signature holds while the
content hashes the same, which is computed, never stored, so no row is ever updated.

The column is added in place, not by a batch copy: on SQLite a copy of `disclosure` would have
to rebuild every table that points at it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tlo.db

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite adds a column with its REFERENCES in place (ALTER TABLE ... ADD COLUMN); alembic
    # would only add the constraint by a table copy.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE disclosure ADD COLUMN pi_person_id INTEGER REFERENCES person (id)")
    else:
        op.add_column("disclosure", sa.Column("pi_person_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_disclosure_pi_person_id_person", "disclosure", "person", ["pi_person_id"], ["id"]
        )
    op.create_index("ix_disclosure_pi_person_id", "disclosure", ["pi_person_id"])
    op.create_table(
        "disclosure_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("typed_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("statement", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("content_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("signed_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosure.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("disclosure_id", "person_id", "content_sha256"),
    )
    op.create_index(
        "ix_disclosure_signature_disclosure_id", "disclosure_signature", ["disclosure_id"]
    )
    op.create_index("ix_disclosure_signature_person_id", "disclosure_signature", ["person_id"])


def downgrade() -> None:
    op.drop_table("disclosure_signature")
    op.drop_index("ix_disclosure_pi_person_id", table_name="disclosure")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("fk_disclosure_pi_person_id_person", "disclosure", type_="foreignkey")
    # SQLite (3.35 and later) drops a column in place too, its REFERENCES with it.
    op.drop_column("disclosure", "pi_person_id")
