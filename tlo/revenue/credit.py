"""The per-technology income credit: what each income counts for each technology of its
agreement, computed from the records (`computed_credit`) and stored (`IncomeCredit`, the
table `income_credit`), so that the dashboard's income charts add up stored rows.

How an income is credited. An income with a standing posted distribution (posted, not a
reversal, not reversed) is credited by its posted distributions: each technology's part, less
its reversals (posted with the amount negated), plus its redistribution. Any other income
(undistributed, only drafts, or every part reversed) is credited by the share the agreement's
allocation gives each technology, exactly as `revenue.services._allocation` computes it:
amount x allocation_bp / 10000 rounded down, the leftover cents one each to the largest
remainders, ties to the lower technology id (window functions over the income's
technologies). So an income's credits add up to it; only a partly reversed income (a step on
the way to distributing it again) counts its standing parts alone. A voided income counts
nowhere, and an income on an agreement that covers no technology is credited to none.

Keeping it current. `refresh_income_credit` is the one function that writes the table: for a
set of incomes given as a SELECT of their ids (never a list that grows with the data), it
deletes their rows and inserts them again from `computed_credit`, in two statements. It is
called
- by the session hooks in `revenue.models` before every commit, for the incomes and
  agreements the ORM wrote (`refresh_pending`): an income recorded or voided, a distribution
  posted, reversed or redistributed, an agreement's technologies or allocations changed;
- by the paths that write past the ORM: the annual run (its fiscal year), the income importer
  (each batch), the benchmark generator (everything, once its money is written);
- by migration 0024, which fills the table from the records already there (the same query,
  written out in SQL).
tests/services/test_income_credit.py checks after every kind of change, and after random
sequences of them, that the stored credit equals the computed one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, func, select

from tlo.disclosures.rules import HUNDRED_PERCENT_BP  # an agreement's allocations add up to it
from tlo.licensing.agreement_models import AgreementTechnology
from tlo.revenue.models import (
    CREDIT_PENDING,
    Distribution,
    DistributionStatus,
    Income,
    IncomeCredit,
    counted,
    unreversed,
)

KEYS_AT_ONCE = 500  # incomes or agreements named in one refresh statement
CREDIT = IncomeCredit.__table__
COLUMNS = ("income_id", "disclosure_id", "agreement_id", "fiscal_year", "income_type", "cents")


def computed_credit(*where: Any) -> sa.CompoundSelect:
    """(income_id, disclosure_id, agreement_id, fiscal_year, income_type, cents): the counted
    incomes that meet `where` (conditions on Income) credited to their technologies, as rows to
    add up; an income and technology may have several (a part, its reversal, its
    redistribution). The reference the stored credit is kept equal to."""
    conditions = (counted(), *where)
    posted = Distribution.status == DistributionStatus.POSTED.value
    stands = sa.exists().where(Distribution.income_id == Income.id, posted, *unreversed())
    exact = Income.amount_cents * AgreementTechnology.allocation_bp  # in 1/10000 of a cent
    per_income = {"partition_by": Income.id}
    rounded_down = exact // HUNDRED_PERCENT_BP
    leftover = Income.amount_cents - func.sum(rounded_down).over(**per_income)
    rank = func.row_number().over(
        **per_income,
        order_by=((exact % HUNDRED_PERCENT_BP).desc(), AgreementTechnology.disclosure_id),
    )
    return sa.union_all(
        select(
            Distribution.income_id.label("income_id"),
            Distribution.disclosure_id.label("disclosure_id"),
            Income.agreement_id.label("agreement_id"),
            Income.fiscal_year.label("fiscal_year"),
            Income.income_type.label("income_type"),
            Distribution.amount_cents.label("cents"),
        )
        .join(Income, Income.id == Distribution.income_id)
        .where(posted, *conditions),
        select(
            Income.id,
            AgreementTechnology.disclosure_id,
            Income.agreement_id,
            Income.fiscal_year,
            Income.income_type,
            rounded_down + sa.case((rank <= leftover, 1), else_=0),
        )
        .join(AgreementTechnology, AgreementTechnology.agreement_id == Income.agreement_id)
        .where(*conditions, ~stands),
    )


def added_up(*where: Any) -> sa.Select:
    """The computed credit with one row per income and technology, as the table stores it."""
    rows = computed_credit(*where).subquery("credited")
    keys = [rows.c[name] for name in COLUMNS[:-1]]
    # PostgreSQL sums integers as NUMERIC: cast back to the column's type.
    return select(*keys, sa.cast(func.sum(rows.c.cents), sa.BigInteger).label("cents")).group_by(
        *keys
    )


def refresh_income_credit(
    connection: Session | Connection, incomes: sa.Select | None = None
) -> None:
    """Recompute the stored credit of `incomes` (a SELECT of income ids; None: every income)
    from the records: their rows deleted and inserted again, two statements whatever their
    number. Part of the caller's transaction."""
    if incomes is None:
        connection.execute(sa.delete(CREDIT))
        connection.execute(sa.insert(CREDIT).from_select(COLUMNS, added_up()))
        return
    # Read from a derived table: a SELECT of income ids inside a query of incomes would
    # otherwise be correlated with it (and lose its own FROM).
    named = incomes.subquery("named")
    ids = select(named.c[0])
    connection.execute(sa.delete(CREDIT).where(CREDIT.c.income_id.in_(ids)))
    connection.execute(sa.insert(CREDIT).from_select(COLUMNS, added_up(col(Income.id).in_(ids))))


def _chunks(keys: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(keys)
    for start in range(0, len(ordered), KEYS_AT_ONCE):
        yield ordered[start : start + KEYS_AT_ONCE]


def refresh_pending(session: Session) -> None:
    """Recompute the credit of what this session's ORM writes changed (noted by the hooks in
    revenue.models): the incomes named, and every income of the agreements named, a few
    hundred keys a statement. Called before each commit, and before the credit is read."""
    session.flush()
    pending = session.info.pop(CREDIT_PENDING, None)
    if not pending:
        return
    for chunk in _chunks(pending["incomes"]):
        refresh_income_credit(session, select(Income.id).where(col(Income.id).in_(chunk)))
    for chunk in _chunks(pending["agreements"]):
        refresh_income_credit(session, select(Income.id).where(col(Income.agreement_id).in_(chunk)))
