"""Obligations derived from an agreement's terms, table by table."""

from datetime import date
from decimal import Decimal

import pytest

from tlo.licensing.agreement_models import AgreementType, ReportPeriod
from tlo.licensing.obligations import MilestoneTerm, Terms, derive_obligations, end_of_term

D = date.fromisoformat
EXCLUSIVE = AgreementType.EXCLUSIVE


def keyed(terms):
    return {o.key: (o.due, o.amount) for o in derive_obligations(terms)}


def test_the_upfront_fee_and_past_patent_costs_are_due_thirty_days_after_the_effective_date():
    got = keyed(
        Terms(
            EXCLUSIVE,
            D("2026-01-15"),
            term_months=12,
            upfront_fee=Decimal("50000"),
            past_patent_costs=Decimal("12345.67"),
            report_period=ReportPeriod.ANNUAL,
        )
    )
    assert got["upfront_fee"] == (D("2026-02-14"), Decimal("50000"))
    assert got["past_patent_costs"] == (D("2026-02-14"), Decimal("12345.67"))


@pytest.mark.parametrize(
    ("effective", "schedule", "term_months", "expected"),
    [
        (
            "2024-02-29",
            {1: "10000", 3: "25000"},
            48,
            {
                "annual_fee:1": ("2025-02-28", "10000"),
                "annual_fee:2": ("2026-02-28", "10000"),
                "annual_fee:3": ("2027-02-28", "25000"),
                "annual_fee:4": ("2028-02-29", "25000"),
            },
        ),
        (
            "2026-06-30",
            {2: "5000"},
            36,
            {"annual_fee:2": ("2028-06-30", "5000"), "annual_fee:3": ("2029-06-30", "5000")},
        ),
        ("2026-01-01", {}, 60, {}),
    ],
)
def test_annual_fees_fall_on_each_anniversary_and_the_last_amount_repeats(
    effective, schedule, term_months, expected
):
    terms = Terms(
        AgreementType.OPTION,
        D(effective),
        term_months=term_months,
        annual_fees={year: Decimal(v) for year, v in schedule.items()},
    )
    fees = {k: v for k, v in keyed(terms).items() if k.startswith("annual_fee")}
    assert fees == {k: (D(due), Decimal(v)) for k, (due, v) in expected.items()}


@pytest.mark.parametrize(
    ("period", "effective", "term_months", "first_due", "count"),
    [
        (ReportPeriod.QUARTERLY, "2026-02-10", 12, "2026-05-15", 4),  # Mar 31 + 45 days
        (ReportPeriod.SEMIANNUAL, "2026-07-01", 12, "2027-02-14", 2),  # Dec 31 + 45
        (ReportPeriod.ANNUAL, "2026-01-01", 36, "2027-02-14", 3),
    ],
)
def test_royalty_reports_follow_each_period_end(period, effective, term_months, first_due, count):
    reports = [
        o
        for o in derive_obligations(
            Terms(EXCLUSIVE, D(effective), term_months, report_period=period)
        )
        if o.kind == "report"
    ]
    assert reports[0].due == D(first_due)
    assert len(reports) == count


def test_a_license_for_the_life_of_the_patents_schedules_twenty_years_of_reports():
    terms = Terms(AgreementType.NON_EXCLUSIVE, D("2026-01-01"))
    assert end_of_term(terms) == D("2046-01-01")
    assert sum(1 for o in derive_obligations(terms) if o.kind == "report") == 80


def test_milestones_with_money_are_payments_and_without_are_diligence():
    terms = Terms(
        EXCLUSIVE,
        D("2026-01-01"),
        24,
        milestones=[
            MilestoneTerm("1", "First patient dosed", Decimal("250000"), D("2027-06-30")),
            MilestoneTerm("2", "Raise $5M series A", Decimal("0"), D("2026-12-31")),
        ],
    )
    got = {o.key: (o.kind, o.due, o.amount) for o in derive_obligations(terms)}
    assert got["milestone:1"] == ("milestone", D("2027-06-30"), Decimal("250000"))
    assert got["milestone:2"] == ("diligence", D("2026-12-31"), None)


def test_an_option_and_a_cda_end_and_carry_no_royalty_reports():
    option = derive_obligations(Terms(AgreementType.OPTION, D("2026-03-31"), 6))
    assert [(o.key, o.due) for o in option] == [("expiry", D("2026-09-30"))]
    cda = derive_obligations(Terms(AgreementType.CDA, D("2026-01-01"), 24))
    assert [o.kind for o in cda] == ["expiry"]


def test_obligations_come_soonest_first():
    terms = Terms(
        EXCLUSIVE, D("2026-01-01"), 24, upfront_fee=Decimal(1), annual_fees={1: Decimal(1)}
    )
    dues = [o.due for o in derive_obligations(terms)]
    assert dues == sorted(dues)


def test_royalty_reports_fall_due_the_agreements_report_days_after_each_period():
    terms = Terms(AgreementType.EXCLUSIVE, D("2026-01-01"), 12, report_due_days=60)
    dues = {k: due for k, (due, _) in keyed(terms).items() if k.startswith("royalty_report")}
    assert dues == {
        "royalty_report:2026-03-31": D("2026-05-30"),
        "royalty_report:2026-06-30": D("2026-08-29"),
        "royalty_report:2026-09-30": D("2026-11-29"),
        "royalty_report:2026-12-31": D("2027-03-01"),
    }
    default = Terms(AgreementType.EXCLUSIVE, D("2026-01-01"), 12)
    assert keyed(default)["royalty_report:2026-03-31"][0] == D("2026-05-15")  # 45 days
