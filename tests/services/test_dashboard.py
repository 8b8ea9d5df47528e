"""The dashboard's chart data on a small office with known answers. The fiscal year starts in
September: FY2025 runs 2024-09-01 to 2025-08-31."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from tlo.db import unit_of_work
from tlo.disclosures.models import Disclosure, DisclosureInventor
from tlo.errors import PermissionDenied
from tlo.licensing.agreement_models import Agreement, AgreementTechnology
from tlo.licensing.models import Company, Outreach
from tlo.patents.models import DocketItemState, PatentApplication, PatentCost
from tlo.people.models import Department, Person, School
from tlo.reports import dashboard
from tlo.reports.dashboard import DashboardFilters
from tlo.revenue import services as revenue
from tlo.revenue.services import IncomeForm

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def september_fiscal_year(monkeypatch):
    monkeypatch.setenv("TLO_FISCAL_YEAR_START_MONTH", "9")
    monkeypatch.setenv("TLO_TIMEZONE", "America/Los_Angeles")


@pytest.fixture
def campus(engine, office):
    """Two schools, five cases, their patents, costs, outreach and licenses; ids by name."""
    ids = {}
    olivia, marcus = office.officer.person_id, office.other_officer.person_id
    with unit_of_work(engine) as session:

        def add(name, row):
            session.add(row)
            session.flush()
            ids[name] = row.id
            return row.id

        eng = add("ENG", School(name="Engineering", code="ENG"))
        med = add("MED", School(name="Medicine", code="MED"))
        ee = add("EE", Department(name="Electrical Engineering", code="EE", school_id=eng))
        me = add("ME", Department(name="Mechanical Engineering", code="ME", school_id=eng))
        gen = add("GEN", Department(name="Genetics", code="GEN", school_id=med))
        alice = add("alice", Person(full_name="Alice", email="alice@x.edu", department_id=ee))
        bob = add("bob", Person(full_name="Bob", email="bob@x.edu", department_id=me))
        carol = add("carol", Person(full_name="Carol", email="carol@x.edu", department_id=gen))
        ext = add("ext", Person(full_name="Xavier", email="x@corp.example", is_external=True))

        def case(name, fiscal_year, status, officer, submitted, inventors):
            case_id = add(
                name,
                Disclosure(
                    docket=f"S{fiscal_year % 100}-000{name[-1]}" if fiscal_year else None,
                    fiscal_year=fiscal_year,
                    status=status,
                    title=f"Technology {name}",
                    submitter_person_id=inventors[0][0],
                    officer_person_id=officer,
                    submitted_at=datetime.fromisoformat(submitted).replace(hour=17, tzinfo=UTC)
                    if submitted
                    else None,
                ),
            )
            for position, (person_id, share_bp) in enumerate(inventors):
                session.add(
                    DisclosureInventor(
                        disclosure_id=case_id,
                        person_id=person_id,
                        share_bp=share_bp,
                        position=position,
                    )
                )
            return case_id

        d1 = case("D1", 2025, "licensed", olivia, "2024-10-01", [(alice, 5000), (carol, 5000)])
        d2 = case("D2", 2025, "marketing", marcus, "2024-11-11", [(bob, 10000)])
        d3 = case("D3", 2026, "filed", olivia, "2025-09-15", [(alice, 2500), (ext, 7500)])
        case("D4", 2026, "submitted", None, "2026-08-31", [(carol, 10000)])
        d5 = case("D5", 2024, "abandoned", olivia, "2023-11-01", [(alice, 10000)])
        case("D6", None, "draft", None, None, [(alice, 10000)])

        def provisional(name, disclosure_id, filed):
            return add(
                name,
                PatentApplication(
                    disclosure_id=disclosure_id,
                    jurisdiction="US",
                    application_type="provisional",
                    filing_date=date.fromisoformat(filed),
                ),
            )

        a1 = provisional("A1", d1, "2024-09-10")
        provisional("A2", d2, "2025-01-20")
        a3 = provisional("A3", d3, "2025-10-05")
        a5 = provisional("A5", d5, "2023-12-01")
        session.add(
            DocketItemState(key=f"a{a1}:convert_provisional", state="done", marked_by_name="O")
        )
        for application_id, day, cents in (
            (a1, "2024-09-01", 10_000),
            (a1, "2025-08-31", 5_050),
            (a3, "2025-09-01", 1_001),
            (a5, "2024-08-31", 99_900),
        ):
            session.add(
                PatentCost(
                    application_id=application_id,
                    invoice_date=date.fromisoformat(day),
                    amount_cents=cents,
                )
            )

        def company(name, size):
            return add(name, Company(name=name, normalized_name=name.lower(), size=size))

        big, small, new = (
            company("BigCo", "large"),
            company("SmallCo", "small"),
            company("NewCo", "startup"),
        )
        session.add(Outreach(disclosure_id=d1, company_id=big, owner_person_id=olivia))
        session.add(Outreach(disclosure_id=d2, company_id=small, owner_person_id=marcus))

        def agreement(name, kind, company_id, status, signed, technology):
            signed_on = date.fromisoformat(signed) if signed else None
            agreement_id = add(
                name,
                Agreement(
                    agreement_type=kind,
                    status=status,
                    company_id=company_id,
                    officer_person_id=olivia,
                    title=f"Agreement {name}",
                    signed_on=signed_on,
                    effective_date=signed_on,
                    term_months=12,
                ),
            )
            session.add(
                AgreementTechnology(
                    agreement_id=agreement_id, disclosure_id=technology, allocation_bp=10000
                )
            )

        agreement("L1", "exclusive_license", big, "active", "2025-01-15", d1)
        agreement("L2", "startup_license", new, "executed", "2025-10-01", d1)
        agreement("L3", "option", small, "executed", "2025-03-03", d2)
        agreement("L4", "nonexclusive_license", small, "active", "2024-08-31", d5)
        agreement("L5", "exclusive_license", big, "draft", None, d2)
    return ids


def chart(engine, actor, function, **filters):
    fields = {"first_fiscal_year": 2025, "last_fiscal_year": 2026} | filters
    with unit_of_work(engine) as session:
        if function is dashboard.deadlines_by_month:
            return function(session, actor=actor, filters=DashboardFilters(**fields), today=TODAY)
        return function(session, actor=actor, filters=DashboardFilters(**fields))


def credits(rows):
    return [(row.fiscal_year, row.unit, row.disclosures) for row in rows]


def test_disclosures_are_credited_to_schools_by_inventor_share(engine, office, campus):
    rows = chart(engine, office.director, dashboard.disclosures_by_school)
    assert {row.unit_kind for row in rows} == {"School"}
    assert credits(rows) == [
        (2025, "Engineering", Decimal("1.5")),
        (2025, "Medicine", Decimal("0.5")),
        (2026, "Engineering", Decimal("0.25")),
        (2026, "Medicine", Decimal("1")),
        (2026, "Outside the university", Decimal("0.75")),
    ]


def test_choosing_a_school_shows_its_departments_and_an_officer_their_cases(engine, office, campus):
    by_department = chart(
        engine, office.director, dashboard.disclosures_by_school, school_id=campus["ENG"]
    )
    assert {row.unit_kind for row in by_department} == {"Department"}
    assert credits(by_department) == [
        (2025, "Electrical Engineering", Decimal("0.5")),
        (2025, "Mechanical Engineering", Decimal("1")),
        (2026, "Electrical Engineering", Decimal("0.25")),
    ]
    olivia = chart(
        engine,
        office.director,
        dashboard.disclosures_by_school,
        officer_person_id=office.officer.person_id,
        first_fiscal_year=2026,
    )
    assert credits(olivia) == [
        (2026, "Engineering", Decimal("0.25")),
        (2026, "Outside the university", Decimal("0.75")),
    ]


def test_the_funnel_counts_filed_marketed_and_licensed_technologies(engine, office, campus):
    funnel = chart(engine, office.director, dashboard.pipeline_funnel)
    assert [
        (s.stage, s.technologies, s.percent_of_disclosed, s.percent_of_previous) for s in funnel
    ] == [
        ("disclosed", 4, Decimal("100.0"), None),
        ("filed", 3, Decimal("75.0"), Decimal("75.0")),
        ("marketed", 2, Decimal("50.0"), Decimal("66.7")),
        ("licensed", 1, Decimal("25.0"), Decimal("50.0")),  # D2 has only an option
    ]
    marcus = chart(
        engine,
        office.director,
        dashboard.pipeline_funnel,
        officer_person_id=office.other_officer.person_id,
    )
    assert [s.technologies for s in marcus] == [1, 1, 1, 0]
    empty = chart(
        engine,
        office.director,
        dashboard.pipeline_funnel,
        first_fiscal_year=2027,
        last_fiscal_year=2027,
    )
    assert [(s.technologies, s.percent_of_disclosed) for s in empty] == [(0, None)] * 4


def test_patent_spend_adds_each_fiscal_years_invoices_exactly(engine, office, campus):
    spend = chart(engine, office.finance, dashboard.patent_spend)
    assert [(s.fiscal_year, s.invoices, s.amount) for s in spend] == [
        (2025, 2, Decimal("150.50")),
        (2026, 1, Decimal("10.01")),
    ]
    medicine = chart(engine, office.finance, dashboard.patent_spend, school_id=campus["MED"])
    assert [(s.fiscal_year, s.invoices, s.amount) for s in medicine] == [
        (2025, 2, Decimal("150.50")),
        (2026, 0, Decimal("0.00")),
    ]


def test_licenses_are_counted_by_licensee_size_and_exclusivity(engine, office, campus):
    rows = chart(engine, office.director, dashboard.licenses_by_size)
    assert len(rows) == 9  # every size and exclusivity, zeros included
    assert {(r.licensee_size, r.exclusivity): r.licenses for r in rows if r.licenses} == {
        ("Large company", "Exclusive"): 1,
        ("Start-up", "Exclusive"): 1,
        ("Small company", "Option"): 1,
    }
    marcus = chart(
        engine,
        office.director,
        dashboard.licenses_by_size,
        officer_person_id=office.other_officer.person_id,
    )
    assert {(r.licensee_size, r.exclusivity) for r in marcus if r.licenses} == {
        ("Small company", "Option")
    }


def test_a_license_counts_by_the_licensees_size_when_it_was_signed(engine, office, campus):
    """The start-up that has since grown still counted a start-up license; an agreement
    without a recorded size at signing counts by the company's present size."""
    with unit_of_work(engine) as session:
        newco = session.exec(select(Company).where(Company.name == "NewCo")).one()
        newco.size = "large"  # it grew after signing
        grown = session.exec(select(Agreement).where(Agreement.title == "Agreement L2")).one()
        grown.licensee_size = "startup"  # recorded when it was executed
        session.add_all([newco, grown])
    rows = chart(engine, office.director, dashboard.licenses_by_size)
    assert {(r.licensee_size, r.exclusivity): r.licenses for r in rows if r.licenses} == {
        ("Large company", "Exclusive"): 1,
        ("Start-up", "Exclusive"): 1,
        ("Small company", "Option"): 1,
    }
    with unit_of_work(engine) as session:
        grown = session.exec(select(Agreement).where(Agreement.title == "Agreement L2")).one()
        grown.licensee_size = None  # nothing recorded: today's size
        session.add(grown)
    rows = chart(engine, office.director, dashboard.licenses_by_size)
    assert {(r.licensee_size, r.exclusivity): r.licenses for r in rows if r.licenses} == {
        ("Large company", "Exclusive"): 2,
        ("Small company", "Option"): 1,
    }


def test_time_to_first_license_counts_days_from_disclosure_to_the_first_signature(
    engine, office, campus
):
    rows = chart(engine, office.director, dashboard.time_to_first_license)
    assert [(r.docket, r.received_on, r.first_licensed_on, r.days) for r in rows] == [
        ("S25-0001", date(2024, 10, 1), date(2025, 1, 15), 106)
    ]
    earlier = chart(
        engine,
        office.director,
        dashboard.time_to_first_license,
        first_fiscal_year=2024,
        last_fiscal_year=2024,
    )
    assert [(r.docket, r.days) for r in earlier] == [("S24-0005", 304)]


def test_the_docket_heat_map_counts_deadlines_per_month_and_kind(engine, office, campus):
    def patent_months(**filters):
        rows = chart(engine, office.director, dashboard.deadlines_by_month, **filters)
        return [
            (r.month, r.fiscal_year, r.deadlines, r.still_open) for r in rows if r.kind == "Patent"
        ]

    # Each provisional sets its conversion and its priority year, due the same day.
    assert patent_months() == [
        (date(2025, 9, 1), 2026, 2, 1),  # D1's conversion, marked done; its priority year
        (date(2026, 1, 1), 2026, 2, 2),  # D2's, both still open
    ]
    assert patent_months(school_id=campus["MED"]) == [(date(2025, 9, 1), 2026, 2, 1)]
    assert patent_months(officer_person_id=office.other_officer.person_id) == [
        (date(2026, 1, 1), 2026, 2, 2)
    ]
    rows = chart(engine, office.director, dashboard.deadlines_by_month)
    assert {r.kind for r in rows} == {"Patent", "License obligation"}


def test_filter_choices_offer_the_years_schools_departments_and_officers(engine, office, campus):
    with unit_of_work(engine) as session:
        choices = dashboard.filter_choices(session, actor=office.director, today=TODAY)
    assert choices.fiscal_years == [2024, 2025, 2026, 2027]
    assert [s.name for s in choices.schools] == ["Engineering", "Medicine"]
    assert [d.name for d in choices.departments_of(campus["ENG"])] == [
        "Electrical Engineering",
        "Mechanical Engineering",
    ]
    assert len(choices.departments_of(None)) == 3
    assert [o.name for o in choices.officers] == ["Marcus Lee", "Olivia Ortega"]


def test_a_chart_downloads_as_a_workbook_with_its_filters(engine, office, campus):
    with unit_of_work(engine) as session:
        data = dashboard.chart_excel_file(
            session,
            actor=office.director,
            chart="funnel",
            filters=DashboardFilters(2025, 2026, school_id=campus["MED"]),
        )
    workbook = load_workbook(BytesIO(data))
    assert workbook.sheetnames == ["Pipeline funnel", "Filters"]
    funnel = workbook["Pipeline funnel"]
    assert [cell.value for cell in funnel[2]] == ["Disclosed", 2, 1, None]
    assert funnel["C3"].value == 0.5 and funnel["C3"].number_format == "0.00%"
    assert funnel.freeze_panes == "A2"
    assert [tuple(row) for row in workbook["Filters"].iter_rows(2, values_only=True)] == [
        ("Fiscal years", "FY2025 to FY2026"),
        ("School", "Medicine"),
        ("Department", "Every department"),
        ("Officer", "Every officer"),
    ]


# --- income ------------------------------------------------------------------------------------


@pytest.fixture
def income(engine, office, campus):
    """Income on the campus's licenses, received on both sides of FY2025's boundaries, and L6:
    a license of D2 (33.33 %) and D3 (66.67 %) whose parts need rounding. Posted: I1, the
    reimbursement I6, and I5 (posted, both parts reversed, distributed and posted again); the
    rest is undistributed. Returns income ids by name (and L6's id)."""
    with unit_of_work(engine) as session:
        l6 = Agreement(
            agreement_type="exclusive_license",
            status="active",
            company_id=campus["BigCo"],
            officer_person_id=office.officer.person_id,
            title="Agreement L6",
            signed_on=date(2025, 2, 1),
            effective_date=date(2025, 2, 1),
        )
        session.add(l6)
        session.flush()
        for technology, allocation_bp in (("D2", 3333), ("D3", 6667)):
            session.add(
                AgreementTechnology(
                    agreement_id=l6.id,
                    disclosure_id=campus[technology],
                    allocation_bp=allocation_bp,
                )
            )
        ids = {"L6": l6.id}

    def receive(name, agreement, kind, amount, day):
        with unit_of_work(engine) as session:
            ids[name] = revenue.record_income(
                session,
                actor=office.finance,
                form=IncomeForm(ids.get(agreement) or campus[agreement], day, kind, amount),
                today=TODAY,
            ).id

    def post(name):
        with unit_of_work(engine) as session:
            made = revenue.compute_distribution(session, actor=office.finance, income_id=ids[name])
            revenue.post_income(session, actor=office.finance, income_id=ids[name])
            return [distribution.id for distribution in made]

    receive("I1", "L1", "royalty", "1000.00", date(2024, 9, 1))  # FY2025's first day
    receive("I2", "L1", "upfront", "500.00", date(2025, 8, 31))  # its last day
    receive("I3", "L1", "royalty", "7777.77", date(2024, 8, 31))  # FY2024: just outside
    receive("I4", "L6", "milestone", "100.01", date(2025, 3, 1))
    receive("I5", "L6", "royalty", "300.00", date(2025, 5, 5))
    receive("I6", "L1", "cost_reimbursement", "200.00", date(2025, 1, 10))
    receive("I7", "L6", "cost_reimbursement", "50.00", date(2025, 9, 1))  # FY2026
    receive("I8", "L2", "equity", "12345.67", date(2025, 6, 30))
    receive("I9", "L4", "sublicense", "250.00", date(2024, 12, 12))
    post("I1")
    post("I6")
    post("I5")
    with unit_of_work(engine) as session:
        revenue.reverse_income(
            session,
            actor=office.finance,
            income_id=ids["I5"],
            reason="The licensee corrected its report",
        )
    post("I5")
    return ids


def by_type(rows):
    return [(r.fiscal_year, r.income_type, r.payments, r.amount) for r in rows]


def test_license_income_is_added_up_by_fiscal_year_and_type(engine, office, income):
    assert by_type(chart(engine, office.director, dashboard.income_by_type)) == [
        (2025, "Upfront (issue) fee", 1, Decimal("500.00")),
        (2025, "Running royalty", 2, Decimal("1300.00")),  # not I3, the day before FY2025
        (2025, "Milestone payment", 1, Decimal("100.01")),
        (2025, "Sublicense income", 1, Decimal("250.00")),
        (2025, "Equity cash-out", 1, Decimal("12345.67")),
    ]
    assert by_type(
        chart(
            engine,
            office.director,
            dashboard.income_by_type,
            first_fiscal_year=2024,
            last_fiscal_year=2024,
        )
    ) == [(2024, "Running royalty", 1, Decimal("7777.77"))]


def test_income_of_a_license_of_several_technologies_is_credited_to_each(engine, office, income):
    marcus = chart(
        engine,
        office.director,
        dashboard.income_by_type,
        officer_person_id=office.other_officer.person_id,  # D2 only
    )
    # I5 by its standing posted distribution (30000 x 33.33 % = 9999 cents); the
    # undistributed I4 by the allocation: 10001 x 33.33 % = 3333.33 cents, rounded down.
    assert by_type(marcus) == [
        (2025, "Running royalty", 1, Decimal("99.99")),
        (2025, "Milestone payment", 1, Decimal("33.33")),
    ]
    olivia = chart(
        engine,
        office.director,
        dashboard.income_by_type,
        officer_person_id=office.officer.person_id,  # D1, D3, D5
    )
    assert by_type(olivia) == [
        (2025, "Upfront (issue) fee", 1, Decimal("500.00")),
        (2025, "Running royalty", 2, Decimal("1200.01")),  # I1 and D3's 200.01 of I5
        (2025, "Milestone payment", 1, Decimal("66.68")),  # 6667.67 and the leftover cent
        (2025, "Sublicense income", 1, Decimal("250.00")),
        (2025, "Equity cash-out", 1, Decimal("12345.67")),
    ]


def test_the_technologies_credits_add_up_to_the_income_received(engine, office, income):
    everything = sum(r.amount for r in chart(engine, office.director, dashboard.income_by_type))
    technologies = chart(engine, office.director, dashboard.top_technologies)
    assert sum(r.amount for r in technologies) == everything == Decimal("14495.68")


def test_technologies_are_ranked_by_the_income_credited_to_them(engine, office, income):
    assert [
        (r.docket, r.payments, r.amount)
        for r in chart(engine, office.director, dashboard.top_technologies)
    ] == [
        ("S25-0001", 3, Decimal("13845.67")),
        ("S26-0003", 2, Decimal("266.69")),
        ("S24-0005", 1, Decimal("250.00")),
        ("S25-0002", 2, Decimal("133.32")),
    ]
    engineering = chart(
        engine, office.director, dashboard.top_technologies, school_id=campus_id(engine, "ENG")
    )
    assert [r.docket for r in engineering] == ["S25-0001", "S26-0003", "S24-0005", "S25-0002"]
    medicine = chart(
        engine, office.director, dashboard.top_technologies, school_id=campus_id(engine, "MED")
    )
    assert [(r.docket, r.title) for r in medicine] == [("S25-0001", "Technology D1")]


def campus_id(engine, code):
    with unit_of_work(engine) as session:
        return session.exec(select(School.id).where(School.code == code)).one()


def test_licensees_are_ranked_by_the_income_they_paid(engine, office, income):
    assert [
        (r.licensee, r.licensee_size, r.payments, r.amount)
        for r in chart(engine, office.director, dashboard.top_licensees)
    ] == [
        ("NewCo", "Start-up", 1, Decimal("12345.67")),
        ("BigCo", "Large company", 4, Decimal("1900.01")),  # I1, I2, I4, I5
        ("SmallCo", "Small company", 1, Decimal("250.00")),
    ]
    marcus = chart(
        engine,
        office.director,
        dashboard.top_licensees,
        officer_person_id=office.other_officer.person_id,
    )
    assert [(r.licensee, r.payments, r.amount) for r in marcus] == [("BigCo", 2, Decimal("133.32"))]


def test_only_the_top_ten_are_ranked(engine, office, campus):
    with unit_of_work(engine) as session:
        session.add_all(
            Company(name=f"Licensee {n:02d}", normalized_name=f"licensee {n:02d}", size="small")
            for n in range(12)
        )
    with unit_of_work(engine) as session:
        companies = session.exec(
            select(Company.id).where(Company.name.startswith("Licensee")).order_by(Company.name)
        ).all()
        for n, company_id in enumerate(companies):
            agreement = Agreement(
                agreement_type="nonexclusive_license",
                status="active",
                company_id=company_id,
                officer_person_id=office.officer.person_id,
                title=f"Research license {n}",
                signed_on=date(2025, 1, 1),
            )
            session.add(agreement)
            session.flush()
            session.add(
                AgreementTechnology(
                    agreement_id=agreement.id, disclosure_id=campus["D5"], allocation_bp=10000
                )
            )
            revenue.record_income(
                session,
                actor=office.finance,
                form=IncomeForm(agreement.id, date(2025, 2, 1), "annual_fee", 100 + n),
                today=TODAY,
            )
    licensees = chart(engine, office.director, dashboard.top_licensees)
    assert len(licensees) == dashboard.TOP
    assert (licensees[0].licensee, licensees[0].amount) == ("Licensee 11", Decimal("111.00"))
    assert licensees[-1].licensee == "Licensee 02"
    [technology] = chart(engine, office.director, dashboard.top_technologies)
    assert (technology.docket, technology.payments, technology.amount) == (
        "S24-0005",
        12,
        Decimal("1266.00"),
    )


def test_a_posted_part_stands_when_the_allocation_changes_and_a_reversed_one_does_not(
    engine, office, income
):
    with unit_of_work(engine) as session:
        for link in session.exec(
            select(AgreementTechnology).where(AgreementTechnology.agreement_id == income["L6"])
        ):
            link.allocation_bp = 5000

    def marcus():
        rows = chart(
            engine,
            office.director,
            dashboard.income_by_type,
            officer_person_id=office.other_officer.person_id,
        )
        return {r.income_type: r.amount for r in rows}

    # I4 is undistributed: 50.005 each, the leftover cent to the lower id (D2), as the engine.
    assert marcus() == {"Running royalty": Decimal("99.99"), "Milestone payment": Decimal("50.01")}
    with unit_of_work(engine) as session:
        revenue.reverse_income(
            session, actor=office.finance, income_id=income["I5"], reason="Again"
        )
    assert marcus() == {"Running royalty": Decimal("150.00"), "Milestone payment": Decimal("50.01")}
    # The undistributed income is now worked out as compute_distribution would allocate it.
    with unit_of_work(engine) as session:
        drafts = revenue.compute_distribution(session, actor=office.finance, income_id=income["I4"])
        assert sorted(d.amount_cents for d in drafts) == [5000, 5001]


def test_patent_spend_is_shown_beside_what_licensees_reimbursed(engine, office, income):
    def spend(**filters):
        rows = chart(engine, office.finance, dashboard.patent_spend, **filters)
        return [(s.fiscal_year, s.invoices, s.amount, s.reimbursements, s.reimbursed) for s in rows]

    assert spend() == [
        (2025, 2, Decimal("150.50"), 1, Decimal("200.00")),
        (2026, 1, Decimal("10.01"), 1, Decimal("50.00")),  # I7, on FY2026's first day
    ]
    # I7's 50.00 on L6: 16.665 and 33.335 cents x 100, the leftover cent to D2 (a tie).
    assert spend(officer_person_id=office.other_officer.person_id) == [
        (2025, 0, Decimal("0.00"), 0, Decimal("0.00")),
        (2026, 0, Decimal("0.00"), 1, Decimal("16.67")),
    ]
    assert spend(school_id=campus_id(engine, "MED")) == [
        (2025, 2, Decimal("150.50"), 1, Decimal("200.00")),
        (2026, 0, Decimal("0.00"), 0, Decimal("0.00")),
    ]


def test_the_dashboard_and_the_autm_report_agree_on_income(engine, office, income):
    from tlo.reports import autm

    with unit_of_work(engine) as session:
        report = autm.autm_metrics(session, actor=office.director, fiscal_year=2025)
    rows = chart(engine, office.director, dashboard.income_by_type, first_fiscal_year=2025)
    assert report["license_income"].value == sum(r.amount for r in rows if r.fiscal_year == 2025)
    [fy2025, _] = chart(engine, office.director, dashboard.patent_spend)
    assert report["legal_fees_reimbursed"].value == fy2025.reimbursed
    # AUTM counts legal fees paid in the year; the dashboard what counsel invoiced. None of
    # these invoices is paid (issue #21).
    assert (report["legal_fees_expended"].value, fy2025.amount) == (
        Decimal("0.00"),
        Decimal("150.50"),
    )


def test_income_charts_download_as_workbooks(engine, office, income):
    with unit_of_work(engine) as session:
        data = dashboard.chart_excel_file(
            session,
            actor=office.director,
            chart="patent_spend",
            filters=DashboardFilters(2025, 2026),
        )
        top = dashboard.chart_excel_file(
            session,
            actor=office.director,
            chart="top_technologies",
            filters=DashboardFilters(2025, 2026),
        )
    sheet = load_workbook(BytesIO(data))["Patent spend and reimbursement"]
    assert [cell.value for cell in sheet[1]] == [
        "Fiscal year",
        "Invoices",
        "Invoiced",
        "Reimbursements",
        "Reimbursed",
    ]
    assert [cell.value for cell in sheet[2]] == [2025, 2, 150.50, 1, 200.00]  # Excel numbers
    assert sheet["E2"].number_format == '"$"#,##0.00'
    technologies = load_workbook(BytesIO(top))["Top technologies by income"]
    assert [cell.value for cell in technologies[2]] == [
        "S25-0001",
        "Technology D1",
        3,
        13845.67,
    ]


def test_without_income_the_income_charts_are_empty(engine, office, campus):
    assert chart(engine, office.director, dashboard.income_by_type) == []
    assert chart(engine, office.director, dashboard.top_technologies) == []
    assert chart(engine, office.director, dashboard.top_licensees) == []
    assert all(not s.reimbursements for s in chart(engine, office.director, dashboard.patent_spend))


CHARTS = [pytest.param(export.data, id=name) for name, export in dashboard.CHARTS.items()]


@pytest.mark.parametrize("function", CHARTS)
def test_an_inventor_may_not_read_the_dashboard(engine, office, function):
    with pytest.raises(PermissionDenied):
        chart(engine, office.inventor, function)


def test_an_inventor_is_not_offered_the_filters_either(engine, office):
    with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
        dashboard.filter_choices(session, actor=office.inventor)


def test_finance_reads_the_charts_but_the_docket_needs_its_own_permission(engine, office):
    assert chart(engine, office.finance, dashboard.pipeline_funnel)[0].technologies == 0
    with pytest.raises(PermissionDenied):
        chart(engine, office.finance, dashboard.deadlines_by_month)


def test_a_range_that_ends_before_it_starts_is_refused(engine, office):
    from tlo.errors import ValidationError

    with pytest.raises(ValidationError, match="swap them"):
        chart(engine, office.director, dashboard.patent_spend, first_fiscal_year=2027)
