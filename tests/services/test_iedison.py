"""iEdison utilization on a real database: a federally funded technology's fiscal-year figures
(units, gross and net sales in USD, countries) come from the approved reports of its licenses,
per agency; a report waiting for review or of another year is not counted; the workbook is
read back."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from tests.services.test_royalty_reports import approve, executed, file, line, quarter_end
from tlo.config import get_settings
from tlo.db import unit_of_work
from tlo.disclosures.rules import fiscal_year_of
from tlo.errors import PermissionDenied
from tlo.licensing import iedison
from tlo.licensing.agreement_models import AgreementTechnology
from tlo.patents import services as patents


def funded(engine, office, agreement_id, agency="NIH"):
    with unit_of_work(engine) as session:
        case_id = session.exec(
            select(AgreementTechnology.disclosure_id).where(
                AgreementTechnology.agreement_id == agreement_id
            )
        ).one()
        patents.save_bayh_dole(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            agency=agency,
            award_number="R01-GM-1234",
            iedison_number="0123401-19-0042",
            reported_on=None,
            election="pending",
            elected_on=None,
        )


def test_the_utilization_of_a_funded_technology_comes_from_its_approved_reports(engine, office):
    agreement = executed(engine, office)
    funded(engine, office, agreement)
    approve(
        engine,
        office,
        file(
            engine,
            office.finance,
            agreement,
            1,
            [
                line(
                    "1000.00",
                    currency="EUR",
                    to_usd="1.1",
                    units=10,
                    country_of_manufacture="DE",
                    country_of_sale="FR",
                ),
                line(
                    "500.00",
                    deductions="100.00",
                    units=5,
                    country_of_manufacture="US",
                    country_of_sale="US",
                ),
            ],
        ),
    )
    file(engine, office.finance, agreement, 2, [line("999.00", units=99)])  # not approved
    year = fiscal_year_of(quarter_end(1), get_settings().fiscal_year_start_month)
    with unit_of_work(engine) as session:
        [row] = iedison.utilization(session, actor=office.finance, fiscal_year=year)
        assert iedison.agencies(session, actor=office.finance, fiscal_year=year) == ["NIH"]
        assert iedison.utilization(session, actor=office.finance, fiscal_year=year - 5) == []
        content = iedison.workbook(session, actor=office.finance, fiscal_year=year, agency="NIH")
        with pytest.raises(PermissionDenied):
            iedison.utilization(session, actor=office.officer, fiscal_year=year)
    assert (row.agency, row.iedison_number, row.units, row.reports) == (
        "NIH",
        "0123401-19-0042",
        15,
        2,
    )
    assert row.gross_sales_usd == 1600  # 1,100 (EUR at 1.1) + 500
    assert row.net_sales_usd == 1500  # 1,100 + 400
    assert (row.made_in, row.sold_in) == ({"DE", "US"}, {"FR", "US"})
    sheet = load_workbook(BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["Units sold"] == 15 and values["Gross sales (USD)"] == 1600
    assert values["Countries of manufacture"] == "DE, US"
    assert values["Licensee"] == "Assay Diagnostics Inc."


def test_a_technology_without_federal_funding_reports_nothing(engine, office):
    agreement = executed(engine, office)
    approve(engine, office, file(engine, office.finance, agreement, 1, [line("1000.00")]))
    year = fiscal_year_of(quarter_end(1), get_settings().fiscal_year_start_month)
    with unit_of_work(engine) as session:
        assert iedison.utilization(session, actor=office.director, fiscal_year=year) == []
