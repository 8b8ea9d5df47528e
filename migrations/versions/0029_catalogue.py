"""catalogue: published technologies, anonymous visits, searches that found nothing, inquiries

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 08:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tlo.db

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("problem", sa.String(), nullable=False),
        sa.Column("solution", sa.String(), nullable=False),
        sa.Column("advantages", sa.String(), nullable=False),
        sa.Column("applications", sa.String(), nullable=False),
        sa.Column("stage", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("patent_state", sa.String(length=20), nullable=False),
        sa.Column("ip_status", sa.String(length=500), nullable=False),
        sa.Column("patent_numbers", sa.String(length=1000), nullable=False),
        sa.Column("inventors", sa.String(length=1000), nullable=False),
        sa.Column("keywords", sa.String(length=500), nullable=False),
        sa.Column("image_sha256", sa.String(length=64), nullable=True),
        sa.Column("image_type", sa.String(length=50), nullable=False),
        sa.Column("first_published_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosure.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("disclosure_id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_index("ix_catalogue_entry_field", "catalogue_entry", ["field"])
    op.create_index("ix_catalogue_entry_patent_state", "catalogue_entry", ["patent_state"])
    op.create_index("ix_catalogue_entry_published_at", "catalogue_entry", ["published_at"])
    op.create_table(
        "catalogue_salt",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "catalogue_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("visitor", sa.String(length=32), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "disclosure_id", "visitor"),
    )
    op.create_index("ix_catalogue_visit_day", "catalogue_visit", ["day"])
    op.create_index("ix_catalogue_visit_disclosure_id", "catalogue_visit", ["disclosure_id"])
    op.create_table(
        "catalogue_search_miss",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("query", sa.String(length=100), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "query"),
    )
    op.create_index("ix_catalogue_search_miss_day", "catalogue_search_miss", ["day"])
    op.create_table(
        "catalogue_inquiry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("outreach_id", sa.Integer(), nullable=True),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("company_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("message", sa.String(length=4000), nullable=False),
        sa.Column("visitor", sa.String(length=32), nullable=False),
        sa.Column("created_at", tlo.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosure.id"]),
        sa.ForeignKeyConstraint(["outreach_id"], ["outreach.id"]),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_catalogue_inquiry_disclosure_id", "catalogue_inquiry", ["disclosure_id"])
    op.create_index("ix_catalogue_inquiry_outreach_id", "catalogue_inquiry", ["outreach_id"])
    op.create_index("ix_catalogue_inquiry_visitor", "catalogue_inquiry", ["visitor"])
    op.create_index("ix_catalogue_inquiry_created_at", "catalogue_inquiry", ["created_at"])


def downgrade() -> None:
    op.drop_table("catalogue_inquiry")
    op.drop_table("catalogue_search_miss")
    op.drop_table("catalogue_visit")
    op.drop_table("catalogue_salt")
    op.drop_table("catalogue_entry")
