"""AUTM annual metrics on a small office whose every answer is known, with records on both
sides of each fiscal-year boundary. The fiscal year starts in July here: FY2025 runs
2024-07-01 to 2025-06-30."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.disclosures.models import Disclosure
from tlo.errors import PermissionDenied
from tlo.licensing.agreement_models import Agreement, AgreementTechnology
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
        application("A4", d3, "WO", "pct", "2025-01-15", "A3")  # not US
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

        def invoice(application_name, day, cents, paid=False):
            session.add(
                PatentCost(
                    application_id=ids[application_name],
                    invoice_date=date.fromisoformat(day),
                    invoice_number=f"INV-{day}",
                    description="Prosecution",
                    amount_cents=cents,
                    paid=paid,
                )
            )

        invoice("A1", "2024-07-01", 100_010)
        invoice("A5", "2025-06-30", 250_005)
        invoice("A1", "2025-01-01", 1, paid=True)
        invoice("A3", "2024-06-30", 99_999)
        invoice("A8", "2025-07-01", 777)

        def company(name, size):
            return add(name, Company(name=name, normalized_name=name.lower(), size=size))

        big, small = company("BigCo", "large"), company("SmallCo", "small")
        new, old, late = (
            company("NewCo", "startup"),
            company("OldCo", "startup"),
            company("LateCo", "startup"),
        )

        def agreement(name, kind, company_id, status, signed, term_months=None):
            signed_on = date.fromisoformat(signed) if signed else None
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
                ),
            )

        g1 = agreement("G1", "exclusive_license", big, "active", "2024-07-01")
        agreement("G2", "startup_license", new, "executed", "2025-06-30")
        g3 = agreement("G3", "nonexclusive_license", small, "terminated", "2024-12-01")
        g4 = agreement("G4", "option", big, "expired", "2025-01-10", term_months=6)
        agreement("G5", "exclusive_license", small, "active", "2024-06-30", term_months=12)
        agreement("G6", "exclusive_license", small, "active", "2023-01-01")
        agreement("G7", "nonexclusive_license", big, "active", "2025-07-01")
        agreement("G8", "startup_license", old, "active", "2023-05-05")
        agreement("G9", "startup_license", old, "active", "2024-10-10")
        agreement("G10", "cda", big, "executed", "2024-08-08")
        agreement("G11", "exclusive_license", big, "draft", None)
        agreement("G12", "exclusive_license", big, "terminated", "2024-09-09")  # no end date
        agreement("G13", "startup_license", late, "executed", "2025-07-01")
        session.add(AgreementTechnology(agreement_id=g1, disclosure_id=d2, allocation_bp=5000))
        session.add(AgreementTechnology(agreement_id=g1, disclosure_id=d1, allocation_bp=5000))
        # G3 ended at 23:30 on the year's last day in the office; G4 at 00:30 the day after.
        for agreement_id, action, moment in (
            (g3, "agreement.terminated", datetime(2025, 7, 1, 6, 30, tzinfo=UTC)),
            (g4, "agreement.expired", datetime(2025, 7, 1, 7, 30, tzinfo=UTC)),
        ):
            session.add(
                AuditEntry(
                    at=moment,
                    actor_name="Olivia Ortega",
                    action=action,
                    object_type="agreement",
                    object_id=str(agreement_id),
                )
            )
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
        "us_applications_new": 2,
        "us_applications_new_provisional": 1,
        "us_applications_all": 4,
        "us_patents_issued": 2,
        "licenses_executed": 6,
        "licenses_exclusive": 4,
        "licenses_nonexclusive": 1,
        "options_executed": 1,
        "licenses_to_startup": 2,
        "licenses_to_small": 1,
        "licenses_to_large": 3,
        "startups_formed": 1,
        "license_income": Decimal("0.00"),  # no income in this office: see below
        "license_income_running_royalties": Decimal("0.00"),
        "license_income_cashed_in_equity": Decimal("0.00"),
        "license_income_other": Decimal("0.00"),
        "legal_fees_expended": Decimal("3500.16"),
        "legal_fees_reimbursed": Decimal("0.00"),
        "active_licenses": 6,
    }


def test_each_metric_lists_the_records_it_counts(engine, office, autm_office):
    report = report_of(engine, office.director)
    assert [row[0] for row in report["disclosures_received"].records.rows] == [
        "S25-0001",
        "S25-0002",
    ]
    assert report["disclosures_received"].records.rows[0][2] == date(2024, 7, 1)
    applications = report["us_applications_new"].records.as_dicts()
    assert [(a["Application number"], a["New (first US filing)"]) for a in applications] == [
        ("A1-number", "Yes"),
        ("A7-number", "Yes"),
        ("A5-number", "No"),
        ("A2-number", "No"),
    ]
    assert [row[3] for row in report["us_patents_issued"].records.rows] == [
        date(2024, 7, 1),
        date(2025, 6, 30),
    ]
    licenses = report["licenses_executed"].records.as_dicts()
    assert [(row["Agreement"], row["Exclusivity"], row["Licensee size"]) for row in licenses] == [
        (f"AGR-{autm_office['G1']:05d}", "Exclusive", "Large company"),
        (f"AGR-{autm_office['G12']:05d}", "Exclusive", "Large company"),
        (f"AGR-{autm_office['G9']:05d}", "Exclusive", "Start-up"),
        (f"AGR-{autm_office['G3']:05d}", "Non-exclusive", "Small company"),
        (f"AGR-{autm_office['G4']:05d}", "Option", "Large company"),
        (f"AGR-{autm_office['G2']:05d}", "Exclusive", "Start-up"),
    ]
    assert licenses[0]["Technologies"] == "S25-0001, S25-0002"
    assert report["startups_formed"].records.rows == (
        ("NewCo", "Start-up", f"AGR-{autm_office['G2']:05d}", date(2025, 6, 30)),
    )
    fees = report["legal_fees_expended"].records.as_dicts()
    assert [(fee["Invoice date"], fee["Amount"]) for fee in fees] == [
        (date(2024, 7, 1), Decimal("1000.10")),
        (date(2025, 1, 1), Decimal("0.01")),
        (date(2025, 6, 30), Decimal("2500.05")),
    ]
    active = report["active_licenses"].records.as_dicts()
    assert sorted(row["Agreement"] for row in active) == sorted(
        f"AGR-{autm_office[name]:05d}" for name in ("G1", "G2", "G4", "G6", "G8", "G9")
    )
    assert next(row for row in active if row["Agreement"].endswith(f"{autm_office['G4']:05d}"))[
        "Term ends"
    ] == date(2025, 7, 10)


def test_the_next_fiscal_year_counts_the_records_just_after_the_boundary(
    engine, office, autm_office
):
    report = report_of(engine, office.finance, fiscal_year=2026)
    assert report["disclosures_received"].value == 1
    assert report["us_applications_new"].value == 1  # A8, the provisional of 2025-07-01
    assert report["us_patents_issued"].value == 1  # A12
    assert report["licenses_executed"].value == 2  # G7 and G13
    assert report["startups_formed"].value == 1  # LateCo
    assert report["legal_fees_expended"].value == Decimal("7.77")


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
        "Disclosures",
        "US applications",
        "US patents issued",
        "Licenses & options",
        "Start-ups",
        "Active at year end",
        "License income",
        "Legal fees",
        "Legal fees reimbursed",
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
        "US applications",
    )
    assert values["Licenses and options to start-ups"] == (2, None, "Licenses & options")
    assert values["Legal fees expended"] == (None, 3500.16, "Legal fees")
    assert values["Active licenses and options at year end"][0] == 6
    assert summary.freeze_panes == "A2"
    fees = workbook["Legal fees"]
    assert fees.freeze_panes == "A2"
    assert fees["F2"].value == 1000.10
    assert fees["F2"].number_format == '"$"#,##0.00'
    assert fees["A2"].number_format == "yyyy-mm-dd"
    assert fees.max_row == 4
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
        "legal_fees_expended": Decimal("3500.16"),
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
    assert summary["Cashed-in equity"] == (None, 12345.67, "License income")
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
