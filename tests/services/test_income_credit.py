"""The stored per-technology income credit (income_credit) always equals the credit computed
from the records (`credit.computed_credit`, the dashboard's `_credited_income`), whatever
changed the facts: an income recorded, imported or voided; a distribution posted, reversed or
redistributed, one at a time or by the annual run; an agreement's allocation changed; the demo
office, the generator and the migration that fills it. On SQLite and PostgreSQL."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import make_actor
from tests.services.test_agreements import exclusive_form, licensee, save
from tests.services.test_import import xlsx
from tests.services.test_revenue import receive, technology
from tlo.auth.models import Role
from tlo.config import PROJECT_ROOT, get_settings
from tlo.db import unit_of_work
from tlo.disclosures.rules import fiscal_year_of
from tlo.errors import ValidationError
from tlo.licensing import agreements
from tlo.licensing.agreement_models import AgreementStatus, AgreementTechnology
from tlo.reports import dashboard, importer
from tlo.reports.autm import LICENSE_INCOME_TYPES
from tlo.reports.dashboard import DashboardFilters
from tlo.revenue import credit
from tlo.revenue import services as revenue
from tlo.revenue.models import Income, IncomeCredit
from tlo.revenue.services import IncomeForm

ORDER = (IncomeCredit.income_id, IncomeCredit.disclosure_id)


def stored(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(*(IncomeCredit.__table__.c[name] for name in credit.COLUMNS)).order_by(
                    *ORDER
                )
            )
        ]


def computed(engine) -> list[tuple]:
    query = credit.added_up().subquery()
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(query).order_by(query.c.income_id, query.c.disclosure_id)
            )
        ]


def by_technology(engine) -> dict[int, int]:
    """License income of every fiscal year per technology, from the dashboard's reference
    computation (`_credited_income`, which the charts used to run on every render)."""
    filters = DashboardFilters(first_fiscal_year=2000, last_fiscal_year=2100)
    credited = dashboard._credited_income(filters, LICENSE_INCOME_TYPES)
    with engine.connect() as connection:
        return {
            disclosure_id: int(cents)
            for disclosure_id, cents in connection.execute(
                select(credited.c.disclosure_id, sa.func.sum(credited.c.cents)).group_by(
                    credited.c.disclosure_id
                )
            )
        }


def assert_stored_equals_computed(engine) -> list[tuple]:
    rows = stored(engine)
    assert rows == computed(engine)
    license_income = {kind.value for kind in LICENSE_INCOME_TYPES}
    totals: dict[int, int] = {}
    for _, disclosure_id, _, _, kind, cents in rows:
        if kind in license_income:
            totals[disclosure_id] = totals.get(disclosure_id, 0) + cents
    assert totals == by_technology(engine)
    return rows


def credit_of(engine, income_id) -> dict[int, int]:
    """{technology: cents} stored for one income."""
    return {row[1]: row[5] for row in assert_stored_equals_computed(engine) if row[0] == income_id}


@dataclass
class Licenses:
    shared: int  # anode (with patent costs) 33.33 % and cathode (none) 66.67 %
    single: int  # the separator alone
    anode: int
    cathode: int
    separator: int


@pytest.fixture
def licenses(engine, office) -> Licenses:
    anode = technology(engine, office, title="Anode", costs="300")
    cathode = technology(engine, office, title="Cathode", costs="0")
    separator = technology(engine, office, title="Separator", costs="0")
    company_id = licensee(engine, office)
    shared = signed(
        engine, office, company_id, [anode, cathode], allocations=["33.33", "66.67"], title="Two"
    )
    single = signed(engine, office, company_id, [separator], title="One")
    return Licenses(shared, single, anode, cathode, separator)


def signed(engine, office, company_id, technologies, **terms) -> int:
    agreement_id = save(engine, office.officer, exclusive_form(company_id, technologies, **terms))
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY - timedelta(days=800),
        )
    return agreement_id


def post(engine, office, income_id) -> None:
    with unit_of_work(engine) as session:
        revenue.compute_distribution(session, actor=office.finance, income_id=income_id)
        revenue.post_income(session, actor=office.finance, income_id=income_id)


def reverse(engine, office, income_id) -> None:
    with unit_of_work(engine) as session:
        revenue.reverse_income(
            session, actor=office.finance, income_id=income_id, reason="Report corrected"
        )


def void(engine, office, income_id) -> None:
    with unit_of_work(engine) as session:
        revenue.void_income(
            session, actor=office.finance, income_id=income_id, reason="Recorded twice"
        )


def reallocate(engine, agreement_id, shares_bp: list[int]) -> None:
    """The agreement's allocation changed in place (as tests/services/test_dashboard.py does:
    no service changes a signed agreement's terms; the stored credit must follow anyway)."""
    with unit_of_work(engine) as session:
        links = session.exec(
            select(AgreementTechnology)
            .where(AgreementTechnology.agreement_id == agreement_id)
            .order_by(AgreementTechnology.disclosure_id)
        ).all()
        for link, bp in zip(links, shares_bp, strict=True):
            link.allocation_bp = bp


def annual_run(engine, office, fiscal_year=None):
    fiscal_year = fiscal_year or fiscal_year_of(TODAY, get_settings().fiscal_year_start_month)
    with unit_of_work(engine) as session:
        return revenue.annual_run(session, actor=office.finance, fiscal_year=fiscal_year)


def import_payments(engine, agreement_id, amounts, days_ago=10):
    admin = make_actor(engine, Role.ADMIN, name="Adam Kowalski")
    rows = [
        {
            "Agreement": f"AGR-{agreement_id:05d}",
            "Received on": TODAY - timedelta(days=days_ago),
            "Type": "royalty",
            "Amount": amount,
            "Licensee reference": f"IMP-{days_ago}-{n}",
        }
        for n, amount in enumerate(amounts)
    ]
    with unit_of_work(engine) as session:
        report = importer.import_file(
            session, actor=admin, kind="income", content=xlsx("income", rows)
        )
    assert (report.problems, report.created) == ([], len(amounts))


# --- each kind of change -----------------------------------------------------------------------


def test_an_income_recorded_is_credited_by_its_agreements_allocation(engine, office, licenses):
    assert assert_stored_equals_computed(engine) == []
    income = receive(engine, office, licenses.shared, "100.01")
    # 10001 x 33.33 % = 3333.33 and x 66.67 % = 6667.67 cents: the leftover cent to the larger
    # remainder, so the parts add up to the payment.
    assert credit_of(engine, income) == {licenses.anode: 3333, licenses.cathode: 6668}
    row = next(row for row in stored(engine) if row[0] == income)
    assert row[2:5] == (
        licenses.shared,
        fiscal_year_of(TODAY - timedelta(days=5), get_settings().fiscal_year_start_month),
        "royalty",
    )


def test_posting_reversing_and_redistributing_follow_the_posted_distributions(
    engine, office, licenses
):
    # A reimbursement pays back the anode's outstanding costs first (the distribution), not
    # by the allocation (the credit until it is distributed).
    income = receive(engine, office, licenses.shared, "600", kind="cost_reimbursement")
    allocated = {licenses.anode: 19998, licenses.cathode: 40002}
    assert credit_of(engine, income) == allocated
    with unit_of_work(engine) as session:  # a draft changes nothing
        revenue.compute_distribution(session, actor=office.finance, income_id=income)
    assert credit_of(engine, income) == allocated
    with unit_of_work(engine) as session:
        revenue.post_income(session, actor=office.finance, income_id=income)
    # The anode's $300 of costs, then the other $300 by the allocation (99.99 and 200.01).
    distributed = {licenses.anode: 39999, licenses.cathode: 20001}
    assert credit_of(engine, income) == distributed
    reverse(engine, office, income)
    assert credit_of(engine, income) == allocated  # every part reversed: the allocation again
    post(engine, office, income)
    assert credit_of(engine, income) == distributed


def test_a_voided_income_is_credited_nowhere(engine, office, licenses):
    kept = receive(engine, office, licenses.single, "250")
    mistake = receive(engine, office, licenses.single, "250")
    void(engine, office, mistake)
    assert credit_of(engine, mistake) == {}
    assert credit_of(engine, kept) == {licenses.separator: 25000}


def test_an_allocation_changed_moves_the_credit_of_undistributed_income_only(
    engine, office, licenses
):
    waiting = receive(engine, office, licenses.shared, "100.01")
    posted = receive(engine, office, licenses.shared, "1000")
    post(engine, office, posted)
    before = credit_of(engine, posted)
    reallocate(engine, licenses.shared, [5000, 5000])
    # 5000.5 cents each: the tie's leftover cent to the lower technology id.
    assert credit_of(engine, waiting) == {licenses.anode: 5001, licenses.cathode: 5000}
    assert credit_of(engine, posted) == before  # a posted part stands
    with unit_of_work(engine) as session:  # a technology removed from the agreement
        link = session.exec(
            select(AgreementTechnology).where(
                AgreementTechnology.agreement_id == licenses.shared,
                AgreementTechnology.disclosure_id == licenses.cathode,
            )
        ).one()
        session.delete(link)
        session.flush()
        for remaining in session.exec(
            select(AgreementTechnology).where(AgreementTechnology.agreement_id == licenses.shared)
        ):
            remaining.allocation_bp = 10000
    assert credit_of(engine, waiting) == {licenses.anode: 10001}


def test_the_annual_run_credits_the_year_by_its_posted_distributions(engine, office, licenses):
    # The reimbursement is distributed by the anode's costs, not by the allocation: the credit
    # of the year moves when the run posts it.
    incomes = [
        receive(engine, office, licenses.shared, "600", kind="cost_reimbursement"),
        receive(engine, office, licenses.shared, "0.03"),
    ]
    incomes.append(receive(engine, office, licenses.single, "99.99", kind="milestone"))
    summary = annual_run(engine, office)
    assert summary.incomes == 3
    rows = assert_stored_equals_computed(engine)
    with unit_of_work(engine) as session:
        standing = {
            income_id: {
                d.disclosure_id: d.amount_cents for d in revenue._standing(session, income_id)
            }
            for income_id in incomes
        }
    assert {income_id: credit_of(engine, income_id) for income_id in incomes} == standing
    assert sum(row[5] for row in rows) == 60000 + 3 + 9999


def test_imported_income_is_credited(engine, office, licenses):
    import_payments(engine, licenses.shared, ["10.00", "0.01", "12345.67"])
    rows = assert_stored_equals_computed(engine)
    assert len(rows) == 6
    assert sum(row[5] for row in rows) == 1000 + 1 + 1234567


def test_a_chart_read_in_the_same_session_sees_that_sessions_income(engine, office, licenses):
    with unit_of_work(engine) as session:
        revenue.record_income(
            session,
            actor=office.finance,
            form=IncomeForm(licenses.single, TODAY - timedelta(days=1), "royalty", "42"),
        )
        year = fiscal_year_of(TODAY, get_settings().fiscal_year_start_month)
        [top] = dashboard.top_technologies(
            session, actor=office.director, filters=DashboardFilters(year, year)
        )
    assert top.amount == Decimal("42.00")


def test_a_refresh_binds_the_same_few_parameters_however_many_incomes_it_covers(
    engine, office, licenses
):
    """The annual run refreshes its year's credit in two statements whose parameters do not
    grow with the payments (no list of ids bound)."""
    for n in range(30):
        receive(engine, office, licenses.shared, f"{n + 1}.07")
    seen: list[tuple[str, int]] = []

    def watch(_conn, _cursor, statement, parameters, _context, _many):
        if "income_credit" in statement:
            count = len(parameters) if isinstance(parameters, tuple | list | dict) else 0
            seen.append((statement.split()[0].upper(), count))

    sa.event.listen(engine, "before_cursor_execute", watch)
    try:
        annual_run(engine, office)
    finally:
        sa.event.remove(engine, "before_cursor_execute", watch)
    assert [kind for kind, _ in seen] == ["DELETE", "INSERT"]
    assert max(count for _, count in seen) <= 10
    assert_stored_equals_computed(engine)


# --- the bulk paths ----------------------------------------------------------------------------


def test_the_migration_fills_the_credit_from_the_records_already_there(engine, office, licenses):
    """Migration 0024's INSERT ... SELECT, run on an office with every kind of income, gives
    what the services keep."""
    waiting = receive(engine, office, licenses.shared, "100.01")
    posted = receive(engine, office, licenses.shared, "600", kind="cost_reimbursement")
    post(engine, office, posted)
    corrected = receive(engine, office, licenses.single, "77.77")
    post(engine, office, corrected)
    reverse(engine, office, corrected)
    post(engine, office, corrected)
    reversed_only = receive(engine, office, licenses.shared, "5.55")
    post(engine, office, reversed_only)
    reverse(engine, office, reversed_only)
    void(engine, office, receive(engine, office, licenses.single, "1"))
    kept = assert_stored_equals_computed(engine)
    assert {row[0] for row in kept} == {waiting, posted, corrected, reversed_only}
    path = PROJECT_ROOT / "migrations" / "versions" / "0024_income_credit.py"
    spec = importlib.util.spec_from_file_location("migration_0024", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with engine.begin() as connection:
        connection.execute(sa.delete(IncomeCredit.__table__))
        connection.execute(sa.text(migration.FILL))
    assert stored(engine) == kept


def test_the_demo_office_keeps_its_credit(engine, tmp_path, monkeypatch):
    from tlo import demo

    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    with unit_of_work(engine) as session:
        demo.seed(session)
    rows = assert_stored_equals_computed(engine)
    assert rows
    with unit_of_work(engine) as session:
        total = session.exec(
            select(sa.func.sum(Income.amount_cents)).where(Income.voided_at.is_(None))
        ).one()
    assert sum(row[5] for row in rows) == int(total)  # every demo license covers technologies


def test_the_generator_fills_the_credit_in_bulk(engine):
    from tlo.bench.generate import generate

    written = generate(engine, 0.0005, progress=lambda _line: None)
    rows = assert_stored_equals_computed(engine)
    assert written["income_credit"] == len(rows) > 0


# --- any sequence of changes -------------------------------------------------------------------

CHANGES = st.one_of(
    st.tuples(
        st.just("record"),
        st.sampled_from(["shared", "single"]),
        st.sampled_from(["royalty", "milestone", "cost_reimbursement", "equity"]),
        st.integers(min_value=1, max_value=5_000_000),
        st.integers(min_value=0, max_value=700),  # days ago: this fiscal year and the last
    ),
    st.tuples(st.sampled_from(["post", "reverse", "void"]), st.integers(0, 50)),
    st.tuples(st.just("reallocate"), st.integers(min_value=1, max_value=9999)),
    st.tuples(st.just("annual run"), st.integers(0, 1)),
    st.tuples(st.just("import"), st.integers(min_value=1, max_value=99_999)),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(CHANGES, min_size=1, max_size=6))
def test_after_any_sequence_of_changes_the_stored_credit_equals_the_computed(
    engine, office, licenses, changes
):
    """Each example goes on from the office the ones before it left; after every change,
    refused or not, the stored credit is the computed one."""
    start_month = get_settings().fiscal_year_start_month
    for change in changes:
        kind = change[0]
        with unit_of_work(engine) as session:
            incomes = session.exec(select(Income.id).order_by(Income.id)).all()
        try:
            if kind == "record":
                _, which, income_type, cents, days_ago = change
                receive(
                    engine,
                    office,
                    getattr(licenses, which),
                    str(Decimal(cents) / 100),
                    kind=income_type,
                    received_on=TODAY - timedelta(days=days_ago),
                )
            elif kind in ("post", "reverse", "void") and incomes:
                income_id = incomes[change[1] % len(incomes)]
                {"post": post, "reverse": reverse, "void": void}[kind](engine, office, income_id)
            elif kind == "reallocate":
                reallocate(engine, licenses.shared, [change[1], 10000 - change[1]])
            elif kind == "annual run":
                year = fiscal_year_of(TODAY, start_month) - change[1]
                annual_run(engine, office, year)
            elif kind == "import":
                import_payments(
                    engine, licenses.shared, [str(Decimal(change[1]) / 100)], days_ago=len(incomes)
                )
        except ValidationError:
            pass  # refused (nothing to reverse, already voided, ...): nothing changed
        assert_stored_equals_computed(engine)
