"""AUTM annual metrics on a small office whose every answer is known, with records on both
sides of each fiscal-year boundary. The fiscal year starts in July here: FY2025 runs
2024-07-01 to 2025-06-30."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tlo.db import unit_of_work
from tlo.disclosures.models import Disclosure
from tlo.errors import PermissionDenied
from tlo.licensing.agreement_models import Agreement, AgreementPatent, AgreementTechnology
from tlo.licensing.models import Company
from tlo.patents.models import PatentApplication, PatentCost
from tlo.reports import autm
from tlo.revenue import services as revenue
from tlo.revenue.models import Distribution, DistributionLine
from tlo.revenue.services import IncomeForm

FY = 2025


@pytest.fixture(autouse=True)
def july_fiscal_year(monkeypatch):
    monkeypatch.setenv("TLO_FISCAL_YEAR_START_MONTH", "7")
    monkeypatch.setenv("TLO_TIMEZONE", "America/Los_Angeles")


def at(day: str, hour: int = 18) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def autm_office(engine, office):
    """The records of the fiscal year and their neighbours; returns ids by name."""
    ids = {}
    submitter = office.inventor.person_id
    officer = office.officer.person_id
    with unit_of_work(engine) as session:

        def add(name, row):
            session.add(row)
            session.flush()
            ids[name] = row.id
            return row.id

        def case(name, docket, fiscal_year, status, submitted):
            return add(
                name,
                Disclosure(
                    docket=docket,
                    fiscal_year=fiscal_year,
                    status=status,
                    title=f"Technology {docket}",
                    submitter_person_id=submitter,
                    officer_person_id=officer,
                    submitted_at=at(submitted) if submitted else None,
                ),
            )

        d1 = case("D1", "S25-0001", 2025, "filed", "2024-07-01")  # first day
        d2 = case("D2", "S25-0002", 2025, "licensed", "2025-06-30")  # last day
        d3 = case("D3", "S24-0009", 2024, "marketing", "2024-06-30")  # the day before
        d4 = case("D4", "S26-0001", 2026, "submitted", "2025-07-01")  # the day after
        case("D5", None, None, "draft", None)

        def application(name, disclosure_id, jurisdiction, kind, filed, parent=None, **more):
            return add(
                name,
                PatentApplication(
                    disclosure_id=disclosure_id,
                    parent_id=ids.get(parent),
                    jurisdiction=jurisdiction,
                    application_type=kind,
                    application_number=f"{name}-number",
                    filing_date=date.fromisoformat(filed),
                    **more,
                ),
            )

        application("A1", d1, "US", "provisional", "2024-07-01")  # new, provisional
        application("A2", d1, "US", "nonprovisional", "2025-06-30", "A1")  # its conversion
        application("A3", d3, "US", "provisional", "2024-06-30")  # the year before
        application("A4", d3, "WO", "pct", "2025-01-15", "A3")  # not US, not first
        application("A5", d3, "US", "national_phase", "2025-03-01", "A4")  # US priority: not new
        application("A6", d2, "EP", "nonprovisional", "2024-08-01", grant_date=date(2025, 5, 5))
        application("A7", d2, "US", "nonprovisional", "2025-02-01", "A6")  # new: EP parent only
        application("A8", d4, "US", "provisional", "2025-07-01")  # the year after
        granted = {"status": "granted", "grant_number": "US 12,000,001"}
        application(
            "A9", d3, "US", "nonprovisional", "2022-01-10", grant_date=date(2024, 7, 1), **granted
        )
        application(
            "A10", d3, "US", "nonprovisional", "2021-05-05", grant_date=date(2024, 6, 30), **granted
        )
        application(
            "A11", d2, "US", "nonprovisional", "2020-03-03", grant_date=date(2025, 6, 30), **granted
        )
        application(
            "A12", d2, "US", "nonprovisional", "2020-04-04", grant_date=date(2025, 7, 1), **granted
        )
        # PCT-first families: new in the year of the PCT filing, their US national phase not.
        application("A13", d1, "WO", "pct", "2024-09-01")  # new in FY2025
        application("A14", d1, "US", "national_phase", "2025-03-01", "A13")  # not new
        application("A15", d1, "WO", "pct", "2024-06-01")  # new in FY2024
        application("A16", d1, "US", "national_phase", "2024-12-01", "A15")  # not new
        # Old families whose patents run out around the year's end.
        d6 = case("D6", "S24-0010", 2024, "licensed", "2024-01-05")
        d7 = case("D7", "S24-0011", 2024, "licensed", "2024-01-06")
        application("A20", d6, "US", "nonprovisional", "2005-03-01", **granted)  # to 2025-03-01
        application("A21", d7, "WO", "pct", "2005-07-15")
        application("A22", d7, "US", "national_phase", "2008-01-01", "A21")  # to 2025-07-15

        def invoice(application_name, day, cents, paid_on=None, paid=None):
            session.add(
                PatentCost(
                    application_id=ids[application_name],
                    invoice_date=date.fromisoformat(day),
                    invoice_number=f"INV-{application_name}-{day}",
                    description="Prosecution",
                    amount_cents=cents,
                    paid=paid if paid is not None else paid_on is not None,
                    paid_on=date.fromisoformat(paid_on) if paid_on else None,
                )
            )

        invoice("A1", "2024-07-01", 100_010, paid_on="2024-07-01")
        invoice("A5", "2025-06-30", 250_005, paid_on="2025-07-01")  # paid the year after
        invoice("A1", "2025-01-01", 1, paid=True)  # paid, its day not recorded
        invoice("A3", "2024-06-30", 99_999, paid_on="2024-07-01")  # invoiced the year before
        invoice("A8", "2025-07-01", 777)  # unpaid
        invoice("A2", "2025-03-01", 5_000)  # unpaid

        sizes = {}

        def company(name, size, formed=None, depends=None, size_then=None):
            sizes[name] = size_then or size
            return add(
                name,
                Company(
                    name=name,
                    normalized_name=name.lower(),
                    size=size,
                    formed_on=date.fromisoformat(formed) if formed else None,
                    depends_on_our_technology=depends,
                ),
            )

        big, small = company("BigCo", "large"), company("SmallCo", "small")
        new = company("NewCo", "startup", "2025-06-01", True)
        # OldCo was a start-up when it signed; it is large now. Its dependence is not recorded.
        old = company("OldCo", "large", "2023-05-01", size_then="startup")
        late = company("LateCo", "startup", "2025-07-01", True)
        option_co = company("OptCo", "startup", "2024-09-01", True)
        exclusive_co = company("ExclCo", "startup", "2024-10-01", True)
        company("NoLicCo", "startup", "2025-01-01", True)  # formed on ours, no license yet
        not_ours = company("NotOursCo", "startup", "2025-02-02", False)
        names = {value: key for key, value in ids.items() if key in sizes}

        def agreement(name, kind, company_id, status, signed, term_months=None, **more):
            signed_on = date.fromisoformat(signed) if signed else None
            more.setdefault("licensee_size", sizes[names[company_id]] if signed_on else None)
            return add(
                name,
                Agreement(
                    agreement_type=kind,
                    status=status,
                    company_id=company_id,
                    officer_person_id=officer,
                    title=f"Agreement {name}",
                    signed_on=signed_on,
                    effective_date=signed_on,
                    term_months=term_months,
                    **more,
                ),
            )

        g1 = agreement("G1", "exclusive_license", big, "active", "2024-07-01")
        agreement("G2", "startup_license", new, "executed", "2025-06-30")
        # G3 ended on the year's last day; G4 the day after, its term running to 2025-07-10.
        agreement(
            "G3",
            "nonexclusive_license",
            small,
            "terminated",
            "2024-12-01",
            ended_on=date(2025, 6, 30),
        )
        agreement(
            "G4", "option", big, "expired", "2025-01-10", term_months=6, ended_on=date(2025, 7, 1)
        )
        agreement("G5", "exclusive_license", small, "active", "2024-06-30", term_months=12)
        agreement("G6", "exclusive_license", small, "active", "2023-01-01")
        agreement("G7", "nonexclusive_license", big, "active", "2025-07-01")
        agreement("G8", "startup_license", old, "active", "2023-05-05")
        agreement("G9", "startup_license", old, "active", "2024-10-10")
        agreement("G10", "cda", big, "executed", "2024-08-08")
        agreement("G11", "exclusive_license", big, "draft", None)
        # Terminated with no end date, and no size at signing.
        agreement("G12", "exclusive_license", big, "terminated", "2024-09-09", licensee_size=None)
        agreement("G13", "startup_license", late, "executed", "2025-07-01")
        g14 = agreement(  # its only patent expired on 2025-03-01
            "G14", "exclusive_license", big, "active", "2010-01-01", licenses_whole_family=True
        )
        g15 = agreement("G15", "exclusive_license", big, "active", "2010-01-01")  # A22 by name
        agreement("G16", "option", option_co, "active", "2025-02-01", term_months=12)
        agreement("G17", "exclusive_license", exclusive_co, "active", "2024-11-01")
        agreement("G18", "startup_license", not_ours, "active", "2025-03-03")
        session.add(AgreementTechnology(agreement_id=g1, disclosure_id=d2, allocation_bp=5000))
        session.add(AgreementTechnology(agreement_id=g1, disclosure_id=d1, allocation_bp=5000))
        session.add(AgreementTechnology(agreement_id=g14, disclosure_id=d6, allocation_bp=10000))
        session.add(AgreementTechnology(agreement_id=g15, disclosure_id=d7, allocation_bp=10000))
        session.add(AgreementPatent(agreement_id=g15, application_id=ids["A22"]))
    return ids


def report_of(engine, actor, fiscal_year=FY):
    with unit_of_work(engine) as session:
        return autm.autm_metrics(
            session, actor=actor, fiscal_year=fiscal_year, now=at("2025-09-15")
        )


def test_a_fiscal_year_runs_from_the_configured_month():
    assert autm.fiscal_year_span(2025, 7) == (date(2024, 7, 1), date(2025, 6, 30))
    assert autm.fiscal_year_span(2026, 9) == (date(2025, 9, 1), date(2026, 8, 31))
    assert autm.fiscal_year_span(2025, 1) == (date(2025, 1, 1), date(2025, 12, 31))


def test_every_metric_of_the_fiscal_year_has_its_known_value(engine, office, autm_office):
    report = report_of(engine, office.director)
    assert (report.first_day, report.last_day) == (date(2024, 7, 1), date(2025, 6, 30))
    assert {metric.key: metric.value for metric in report.metrics} == {
        "disclosures_received": 2,
        "us_applications_new": 3,  # A1, A7 and the PCT A13
        "us_applications_new_provisional": 1,
        "us_applications_new_pct": 1,
        "us_applications_all": 7,
        "us_patents_issued": 2,
        "licenses_executed": 9,
        "licenses_exclusive": 6,
        "licenses_nonexclusive": 1,
        "options_executed": 2,
        "licenses_to_startup": 5,  # OldCo's G9 among them: a start-up when it signed
        "licenses_to_small": 1,
        "licenses_to_large": 2,  # G12 has no size at signing: in none
        "startups_formed": 3,  # NewCo, OptCo (an option) and ExclCo (an exclusive license)
        "license_income": Decimal("0.00"),  # no income in this office: see below
        "license_income_running_royalties": Decimal("0.00"),
        "license_income_cashed_in_equity": Decimal("0.00"),
        "license_income_other": Decimal("0.00"),
        "legal_fees_expended": Decimal("2000.10"),  # paid in the year
        "legal_fees_reimbursed": Decimal("0.00"),
        "active_licenses": 10,
    }


def test_each_metric_lists_the_records_it_counts(engine, office, autm_office):
    report = report_of(engine, office.director)
    assert [row[0] for row in report["disclosures_received"].records.rows] == [
        "S25-0001",
        "S25-0002",
    ]
    assert report["disclosures_received"].records.rows[0][2] == date(2024, 7, 1)
    applications = report["us_applications_new"].records.as_dicts()
    assert [(a["Application number"], a["New (first filing)"]) for a in applications] == [
        ("A1-number", "Yes"),
        ("A13-number", "Yes"),  # the PCT that starts its family
        ("A16-number", "No"),  # national phase of a PCT new in FY2024
        ("A7-number", "Yes"),
        ("A5-number", "No"),
        ("A14-number", "No"),  # national phase of the PCT A13
        ("A2-number", "No"),
    ]
    assert report["us_patents_issued"].records.rows[0][3] == date(2024, 7, 1)
    assert [row[3] for row in report["us_patents_issued"].records.rows] == [
        date(2024, 7, 1),
        date(2025, 6, 30),
    ]
    licenses = report["licenses_executed"].records.as_dicts()
    number = {name: f"AGR-{autm_office[name]:05d}" for name in autm_office if name[0] == "G"}
    assert [
        (row["Agreement"], row["Exclusivity"], row["Licensee size at signing"]) for row in licenses
    ] == [
        (number["G1"], "Exclusive", "Large company"),
        (number["G12"], "Exclusive", ""),
        (number["G9"], "Exclusive", "Start-up"),  # OldCo is large now
        (number["G17"], "Exclusive", "Start-up"),
        (number["G3"], "Non-exclusive", "Small company"),
        (number["G4"], "Option", "Large company"),
        (number["G16"], "Option", "Start-up"),
        (number["G18"], "Exclusive", "Start-up"),
        (number["G2"], "Exclusive", "Start-up"),
    ]
    assert licenses[0]["Technologies"] == "S25-0001, S25-0002"
    startups = report["startups_formed"].records.as_dicts()
    assert [
        (row["Company"], row["First license or option"], row["Counted"]) for row in startups
    ] == [
        ("OptCo", number["G16"], "Yes"),
        ("ExclCo", number["G17"], "Yes"),
        ("NoLicCo", "", "No: it holds no license or option"),
        ("NewCo", number["G2"], "Yes"),
    ]  # NotOursCo does not depend on our technology; LateCo is formed the year after
    fees = report["legal_fees_expended"].records.as_dicts()
    assert [(fee["Paid on"], fee["Invoice date"], fee["Amount"]) for fee in fees] == [
        (date(2024, 7, 1), date(2024, 6, 30), Decimal("999.99")),
        (date(2024, 7, 1), date(2024, 7, 1), Decimal("1000.10")),
        (None, date(2025, 1, 1), Decimal("0.01")),  # counted on its invoice date
    ]
    active = {row["Agreement"]: row for row in report["active_licenses"].records.as_dicts()}
    assert sorted(active) == sorted(
        number[name] for name in ("G1", "G2", "G4", "G6", "G8", "G9", "G15", "G16", "G17", "G18")
    )  # not G3 (ended on the last day), G5 (its term), G12 (ended), G14 (its patent expired)
    assert (active[number["G4"]]["Runs until"], active[number["G4"]]["Ended"]) == (
        date(2025, 7, 10),
        date(2025, 7, 1),
    )
    assert active[number["G15"]]["Runs until"] == date(2025, 7, 15)  # 20 years from its PCT
    assert active[number["G15"]]["Why"] == "Until US National phase A22-number expires"
    assert active[number["G1"]]["Why"] == "No licensed patent and no end recorded"


def test_the_checks_list_what_autm_would_question(engine, office, autm_office):
    report = report_of(engine, office.director)
    number = {name: f"AGR-{autm_office[name]:05d}" for name in autm_office if name[0] == "G"}
    found = {check.key: check.found for check in report.checks}
    assert found == {
        "licenses_beyond_disclosures": (
            "9 licenses and options executed; 5 disclosures received up to the year's end",
        ),
        "startup_without_license": ("NoLicCo (formed 2025-01-01)",),
        "startup_license_to_unrecorded_company": (f"{number['G9']} with OldCo",),
        "size_missing": (f"{number['G12']} with BigCo",),
        "active_without_patent_or_end": tuple(
            f"{number[name]} with {company}"
            for name, company in (
                ("G6", "SmallCo"),
                ("G8", "OldCo"),
                ("G1", "BigCo"),
                ("G9", "OldCo"),
                ("G17", "ExclCo"),
                ("G18", "NotOursCo"),
                ("G2", "NewCo"),
            )
        ),
        "ended_without_date": (f"{number['G12']} with BigCo",),
        "paid_without_date": ("Invoice INV-A1-2025-01-01 (S25-0001)",),
    }
    assert all(not check.passed for check in report.checks)
    quiet = report_of(engine, office.director, fiscal_year=2023)
    assert [check.key for check in quiet.checks if not check.passed] == [
        "licenses_beyond_disclosures",  # G6 and G8; no disclosure before FY2024
        "startup_license_to_unrecorded_company",  # G8 with OldCo
        "active_without_patent_or_end",  # G6 and G8 (G14 and G15 hold patents)
    ]


def test_the_next_fiscal_year_counts_the_records_just_after_the_boundary(
    engine, office, autm_office
):
    report = report_of(engine, office.finance, fiscal_year=2026)
    assert report["disclosures_received"].value == 1
    assert report["us_applications_new"].value == 1  # A8, the provisional of 2025-07-01
    assert report["us_patents_issued"].value == 1  # A12
    assert report["licenses_executed"].value == 2  # G7 and G13
    assert report["startups_formed"].value == 1  # LateCo
    assert report["legal_fees_expended"].value == Decimal("2500.05")  # paid on 2025-07-01
    earlier = report_of(engine, office.finance, fiscal_year=2024)
    assert earlier["us_applications_new_pct"].value == 1  # A15


def test_only_finance_and_the_director_read_the_autm_report(engine, office):
    for actor in (office.inventor, office.officer):
        with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
            autm.autm_metrics(session, actor=actor, fiscal_year=FY)


def test_report_years_run_from_the_first_disclosure_to_the_current_year(
    engine, office, autm_office
):
    with unit_of_work(engine) as session:
        years = autm.fiscal_years(session, actor=office.director, today=date(2026, 11, 25))
    assert years == [2027, 2026, 2025, 2024]


def test_the_workbook_has_a_summary_and_a_sheet_of_records_per_metric(engine, office, autm_office):
    workbook = load_workbook(BytesIO(autm.autm_workbook(report_of(engine, office.director))))
    assert workbook.sheetnames == [
        "Summary",
        "Checks",
        "Disclosures",
        "Patent applications",
        "US patents issued",
        "Licenses & options",
        "Start-ups",
        "Active at year end",
        "License income",
        "Equity cashed in",
        "Legal fees",
        "Legal fees reimbursed",
        "Notes",
        "Fiscal year",
    ]
    summary = workbook["Summary"]
    assert [cell.value for cell in summary[1]] == [
        "Metric",
        "Count",
        "Amount",
        "Records (sheet)",
        "How it is counted",
    ]
    values = {row[0]: (row[1], row[2], row[3]) for row in summary.iter_rows(2, values_only=True)}
    assert values["Invention disclosures received"] == (2, None, "Disclosures")
    assert values["New US patent applications that are provisional"] == (
        1,
        None,
        "Patent applications",
    )
    assert values["Licenses and options to start-ups"] == (5, None, "Licenses & options")
    assert values["Legal fees expended"] == (None, 2000.10, "Legal fees")
    assert values["Active licenses and options at year end"][0] == 10
    assert summary.freeze_panes == "A2"
    fees = workbook["Legal fees"]
    assert fees.freeze_panes == "A2"
    assert fees["G2"].value == 999.99
    assert fees["G2"].number_format == '"$"#,##0.00'
    assert fees["A2"].number_format == "yyyy-mm-dd"
    assert fees["A4"].value is None  # paid, its day not recorded
    assert fees.max_row == 4
    checks = list(workbook["Checks"].iter_rows(values_only=True))
    assert checks[0] == ("Check", "Passed", "Found", "What to do")
    size_missing = [row for row in checks if row[0].startswith("A license or option executed")]
    assert size_missing == [
        (
            "A license or option executed in the year without the licensee's size at signing",
            "No",
            f"AGR-{autm_office['G12']:05d} with BigCo",
            "It is counted in no size: record the agreement's licensee size.",
        )
    ]
    assert len(checks) == 1 + 1 + 1 + 1 + 1 + 7 + 1 + 1  # a row per finding
    notes = {row[0]: row[1] for row in workbook["Notes"].iter_rows(2, values_only=True)}
    assert "issue #19" in notes["License income paid to other institutions"]
    period = workbook["Fiscal year"]
    assert [cell.value for cell in period[2]][:3] == [
        "FY2025",
        datetime(2024, 7, 1),
        datetime(2025, 6, 30),
    ]


# --- income --------------------------------------------------------------------------------------


@pytest.fixture
def autm_income(engine, office, autm_office):
    """Payments on both sides of FY2025's boundaries, of every kind; the first royalty's
    distribution posted and reversed (a distribution is not income: nothing changes)."""
    ids = {}

    def receive(name, agreement, kind, amount, day, reference=""):
        with unit_of_work(engine) as session:
            ids[name] = revenue.record_income(
                session,
                actor=office.finance,
                form=IncomeForm(
                    autm_office[agreement],
                    date.fromisoformat(day),
                    kind,
                    amount,
                    licensee_reference=reference,
                ),
                today=date(2026, 11, 25),
            ).id

    receive("I0", "G1", "royalty", "3.00", "2024-06-30")  # FY2024: the day before
    receive("I1", "G1", "royalty", "1000.01", "2024-07-01", "Q2 report")  # the first day
    receive("I2", "G3", "upfront", "500.00", "2024-08-08")
    receive("I3", "G1", "cost_reimbursement", "400.00", "2024-10-01", "=SUM(A1)")
    receive("I4", "G9", "milestone", "750.00", "2024-12-31")
    receive("I5", "G1", "sublicense", "250.50", "2025-01-15")
    receive("I6", "G2", "equity", "12345.67", "2025-03-03")
    receive("I7", "G1", "royalty", "2000.00", "2025-06-30")  # the last day
    receive("I8", "G1", "royalty", "9999.99", "2025-07-01")  # FY2026: the day after
    receive("I9", "G3", "cost_reimbursement", "66.00", "2025-07-01")
    with unit_of_work(engine) as session:
        common = dict(
            income_id=ids["I1"],
            disclosure_id=autm_office["D1"],
            agreement_id=autm_office["G1"],
            policy_name="Test",
            policy_effective_from=date(2020, 9, 1),
            costs_outstanding_cents=0,
            cumulative_before_cents=0,
            computed_by_name="Fiona Nakamura",
        )

        def post(distribution: Distribution) -> Distribution:
            """As the services do: a draft, its line, then posted (the triggers insist)."""
            session.add(distribution)
            session.flush()
            session.add(
                DistributionLine(
                    distribution_id=distribution.id,
                    position=1,
                    recipient="office",
                    recipient_class="office",
                    amount_cents=distribution.amount_cents,
                    rule="test",
                )
            )
            session.flush()
            distribution.status = "posted"
            session.flush()
            return distribution

        posted = post(
            Distribution(
                **common,
                amount_cents=100_001,
                costs_recovered_cents=0,
                split_base_cents=85_001,
            )
        )
        post(
            Distribution(
                **common,
                amount_cents=-100_001,
                costs_recovered_cents=0,
                split_base_cents=-85_001,
                reverses_id=posted.id,
                reason="Wrong report",
            )
        )
    return ids


def test_license_income_is_split_as_autm_asks(engine, office, autm_income):
    report = report_of(engine, office.director)
    assert {
        metric.key: metric.value
        for metric in report.metrics
        if metric.key.startswith(("license_income", "legal_fees"))
    } == {
        "license_income": Decimal("16846.18"),
        "license_income_running_royalties": Decimal("3000.01"),  # the first and last day
        "license_income_cashed_in_equity": Decimal("12345.67"),
        "license_income_other": Decimal("1500.50"),  # upfront, milestone and sublicense
        "legal_fees_expended": Decimal("2000.10"),
        "legal_fees_reimbursed": Decimal("400.00"),
    }
    assert [m.key for m in report.metrics if m.detail_of == "license_income"] == [
        "license_income_running_royalties",
        "license_income_cashed_in_equity",
        "license_income_other",
    ]
    next_year = report_of(engine, office.director, fiscal_year=2026)
    assert next_year["license_income"].value == Decimal("9999.99")
    assert next_year["license_income_running_royalties"].value == Decimal("9999.99")
    assert next_year["legal_fees_reimbursed"].value == Decimal("66.00")


def test_the_income_metrics_list_every_payment_they_count(engine, office, autm_office, autm_income):
    report = report_of(engine, office.director)
    income = report["license_income"].records.as_dicts()
    assert [
        (row["Received"], row["Type"], row["AUTM category"], row["Amount"]) for row in income
    ] == [
        (date(2024, 7, 1), "Running royalty", "Running royalties", Decimal("1000.01")),
        (date(2024, 8, 8), "Upfront (issue) fee", "All other license income", Decimal("500.00")),
        (date(2024, 12, 31), "Milestone payment", "All other license income", Decimal("750.00")),
        (date(2025, 1, 15), "Sublicense income", "All other license income", Decimal("250.50")),
        (date(2025, 3, 3), "Equity cash-out", "Cashed-in equity", Decimal("12345.67")),
        (date(2025, 6, 30), "Running royalty", "Running royalties", Decimal("2000.00")),
    ]
    assert sum(row["Amount"] for row in income) == report["license_income"].value
    first = income[0]
    assert (first["Agreement"], first["Licensee"], first["Technologies"]) == (
        f"AGR-{autm_office['G1']:05d}",
        "BigCo",
        "S25-0001, S25-0002",
    )
    assert first["Licensee reference"] == "Q2 report"
    assert report["license_income_other"].records is report["license_income"].records
    reimbursed = report["legal_fees_reimbursed"].records.as_dicts()
    assert [(row["Received"], row["Licensee"], row["Amount"]) for row in reimbursed] == [
        (date(2024, 10, 1), "BigCo", Decimal("400.00"))
    ]


def test_the_workbook_traces_license_income_and_reimbursements(engine, office, autm_income):
    workbook = load_workbook(BytesIO(autm.autm_workbook(report_of(engine, office.director))))
    summary = {row[0]: row[1:4] for row in workbook["Summary"].iter_rows(2, values_only=True)}
    assert summary["License income received"] == (None, 16846.18, "License income")
    assert summary["Running royalties"] == (None, 3000.01, "License income")
    # Read from the equity ledger (test_autm_equity.py); I6 was recorded without a sale.
    assert summary["Cashed-in equity"] == (None, 12345.67, "Equity cashed in")
    assert summary["All other license income"] == (None, 1500.5, "License income")
    assert summary["Legal fees reimbursed"] == (None, 400, "Legal fees reimbursed")
    income = workbook["License income"]
    assert income.max_row == 7
    assert income["H2"].value == 1000.01 and income["H2"].number_format == '"$"#,##0.00'
    reimbursed = workbook["Legal fees reimbursed"]
    assert reimbursed["E2"].value == "'=SUM(A1)"  # a licensee's text is never a formula
    assert reimbursed["F2"].value == 400


def sheets_of(content: bytes, *, leave_out=("Fiscal year",)) -> dict[str, list[tuple]]:
    """Every sheet's rows (the period sheet, which says when it was made, left out)."""
    workbook = load_workbook(BytesIO(content))
    return {
        name: list(workbook[name].iter_rows(values_only=True))
        for name in workbook.sheetnames
        if name not in leave_out
    }


def test_a_preview_counts_every_record_and_shows_the_first_of_each_table(
    engine, office, autm_office, autm_income
):
    full = report_of(engine, office.director)
    with unit_of_work(engine) as session:
        preview = autm.autm_metrics(
            session, actor=office.director, fiscal_year=FY, now=at("2025-09-15"), preview_rows=2
        )
    assert [(m.key, m.value) for m in preview.metrics] == [(m.key, m.value) for m in full.metrics]
    for shown, whole in zip(preview.record_tables, full.record_tables, strict=True):
        assert shown.rows == whole.rows[:2]
        assert shown.count == len(whole.rows)
        assert shown.is_preview == (len(whole.rows) > 2)
    income = preview["license_income"].records
    assert (len(income.rows), income.count, income.is_preview) == (2, 6, True)
    assert preview["license_income_other"].records is income


def test_the_workbook_streams_every_record_of_each_table(engine, office, autm_office, autm_income):
    whole = sheets_of(autm.autm_workbook(report_of(engine, office.director)))
    with unit_of_work(engine) as session:
        streamed = sheets_of(
            autm.autm_workbook_file(session, actor=office.director, fiscal_year=FY)
        )
    assert streamed == whole
    assert len(streamed["License income"]) == 7  # the header and the six payments
