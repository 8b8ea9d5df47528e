"""AUTM's cashed-in equity read from the equity ledger: the university's sales in the fiscal
year (the first and last day in, the days either side out), not the inventors' shares, not a
voided sale, and equity income recorded without a ledger sale still counted.
The office and its payments are test_autm's (FY2025 runs 2024-07-01 to 2025-06-30)."""

from datetime import date
from decimal import Decimal

import pytest

from tests.services.test_autm import (  # noqa: F401  (fixtures)
    autm_income,
    autm_office,
    july_fiscal_year,
    report_of,
)
from tlo.db import unit_of_work
from tlo.equity import services as equity
from tlo.equity.services import EventForm, HoldingForm
from tlo.licensing.agreement_models import AgreementTechnology

RECORDED_ON = date(2026, 11, 25)


@pytest.fixture
def sales(engine, office, autm_office, autm_income):  # noqa: F811
    with unit_of_work(engine) as session:  # the start-up license's technology
        session.add(
            AgreementTechnology(
                agreement_id=autm_office["G8"], disclosure_id=autm_office["D3"], allocation_bp=10000
            )
        )

    def holding(agreement, **form) -> int:
        with unit_of_work(engine) as session:
            return equity.record_holding(
                session,
                actor=office.director,
                form=HoldingForm(
                    company_id=autm_office["OldCo"], agreement_id=autm_office[agreement], **form
                ),
                today=RECORDED_ON,
            ).id

    def sell(holding_id, day, shares, price):
        with unit_of_work(engine) as session:
            return equity.record_event(
                session,
                actor=office.finance,
                form=EventForm(
                    holding_id, "sale", date.fromisoformat(day), shares=shares, price=price
                ),
                today=RECORDED_ON,
            )

    ours = holding(
        "G8",
        share_class="Common",
        certificate="C-1",
        issued_on=date(2023, 6, 1),
        shares=100_000,
        price="0.01",
    )
    sell(ours, "2024-06-30", 1_000, "1")  # FY2024: the day before
    sell(ours, "2024-07-01", 10_000, "1.234567")  # the first day: $12,345.67
    mistaken = sell(ours, "2025-03-01", 100, "3")  # voided below, with its income
    sell(ours, "2025-06-30", 1, "0.005")  # the last day: $0.01, half up
    sell(ours, "2025-07-01", 5_000, "2")  # FY2026: the day after
    theirs = holding(
        "G9",
        share_class="Preferred",
        issued_on=date(2024, 1, 1),
        shares=50,
        price="1",
        held_for="inventors",
    )
    sell(theirs, "2025-01-01", 50, "10")  # the inventors' cash: no income, not counted
    with unit_of_work(engine) as session:
        equity.void_event(
            session, actor=office.finance, event_id=mistaken.id, reason="Wrong broker note"
        )


def test_cashed_in_equity_is_the_years_sales_in_the_ledger(engine, office, autm_office, sales):  # noqa: F811
    report = report_of(engine, office.director)
    cashed = report["license_income_cashed_in_equity"]
    # The ledger's two sales in the year, and I6 (equity income recorded without a sale).
    assert cashed.value == Decimal("12345.67") + Decimal("0.01") + Decimal("12345.67")
    assert [
        (row["Sold on"], row["Shares sold"], row["Cash"], row["Source"])
        for row in cashed.records.as_dicts()
    ] == [
        (date(2024, 7, 1), 10_000, Decimal("12345.67"), "Equity ledger"),
        (
            date(2025, 3, 3),
            None,
            Decimal("12345.67"),
            "Income recorded without a sale in the ledger",
        ),
        (date(2025, 6, 30), 1, Decimal("0.01"), "Equity ledger"),
    ]
    first = cashed.records.as_dicts()[0]
    assert (first["Company"], first["Shares (certificate)"], first["Price per share"]) == (
        "OldCo",
        "Common (C-1)",
        Decimal("1.234567"),
    )
    assert first["Agreement"] == f"AGR-{autm_office['G8']:05d}"
    # The sales are equity income too: the details still add up to the total.
    details = [m.value for m in report.metrics if m.detail_of == "license_income"]
    assert (
        sum(details) == report["license_income"].value == Decimal("16846.18") + Decimal("12345.68")
    )
    next_year = report_of(engine, office.director, fiscal_year=2026)
    assert next_year["license_income_cashed_in_equity"].value == Decimal("10000.00")
    assert next_year["license_income"].value == Decimal("9999.99") + Decimal("10000.00")


def test_the_workbook_has_a_sheet_of_the_equity_cashed_in(engine, office, sales):
    from io import BytesIO

    from openpyxl import load_workbook

    from tlo.reports import autm

    workbook = load_workbook(BytesIO(autm.autm_workbook(report_of(engine, office.director))))
    summary = {row[0]: row[1:4] for row in workbook["Summary"].iter_rows(2, values_only=True)}
    assert summary["Cashed-in equity"] == (None, 24691.35, "Equity cashed in")
    sheet = workbook["Equity cashed in"]
    assert sheet.max_row == 4
    assert sheet["E2"].value == 1.234567 and sheet["F2"].value == 12345.67
