"""Docket numbers: one counter row per fiscal year, incremented in a single UPDATE.

The UPDATE takes the row's write lock (PostgreSQL) or the database's (SQLite), so two
disclosures submitted at the same moment wait for each other and never share a number.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from tlo.db import upsert
from tlo.disclosures.models import DocketCounter
from tlo.disclosures.rules import docket_number


def _insert_counter_if_missing(session: Session, fiscal_year: int) -> None:
    session.execute(
        upsert(session, DocketCounter)
        .values(fiscal_year=fiscal_year, last_sequence=0)
        .on_conflict_do_nothing(index_elements=["fiscal_year"])
    )


def next_docket(session: Session, fiscal_year: int) -> str:
    _insert_counter_if_missing(session, fiscal_year)
    sequence = session.execute(
        sa.update(DocketCounter)
        .where(DocketCounter.fiscal_year == fiscal_year)
        .values(last_sequence=DocketCounter.last_sequence + 1)
        .returning(DocketCounter.last_sequence)
    ).scalar_one()
    return docket_number(fiscal_year, sequence)
