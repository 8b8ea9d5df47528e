"""iEdison utilization: for each federally funded technology, the fiscal year's figures the
funding agency asks (licensee, products, units, gross sales, countries of manufacture and
sale), taken from the approved royalty reports of the licenses that cover it (period ending in
the fiscal year), as a workbook per agency and fiscal year.

A technology is federally funded when its Bayh-Dole record names an agency, or a funding
source is federal (its agency, else its sponsor, names the agency). A license covering several
technologies reports its sales once per technology: iEdison asks per invention what was sold
that embodies it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session, select

from tlo.auth.permissions import Actor, require
from tlo.config import get_settings
from tlo.disclosures.models import Disclosure, FundingSource
from tlo.licensing.agreement_models import Agreement, AgreementTechnology
from tlo.licensing.models import Company
from tlo.licensing.receivable_models import ReportStatus, RoyaltyReport, RoyaltyReportLine
from tlo.licensing.royalty import cents
from tlo.money import from_cents
from tlo.patents.models import BayhDoleRecord
from tlo.reports import excel
from tlo.reports.autm import fiscal_year_span

NO_AGENCY = "(agency not recorded)"


@dataclass
class UtilizationRow:
    agency: str
    docket: str
    title: str
    iedison_number: str
    award_number: str
    agreement: str
    licensee: str
    product: str
    units: int = 0
    gross_sales_usd: Decimal = Decimal(0)
    net_sales_usd: Decimal = Decimal(0)
    made_in: set[str] = field(default_factory=set)
    sold_in: set[str] = field(default_factory=set)
    reports: int = 0


def _funded(session: Session) -> dict[int, tuple[str, str, str]]:
    """disclosure id -> (agency, iEdison number, award number) of each federally funded one."""
    found: dict[int, tuple[str, str, str]] = {}
    for record in session.exec(select(BayhDoleRecord)).all():
        found[record.disclosure_id] = (
            record.agency.strip() or NO_AGENCY,
            record.iedison_number,
            record.award_number,
        )
    for source in session.exec(select(FundingSource).where(FundingSource.is_federal)).all():
        found.setdefault(
            source.disclosure_id,
            ((source.agency or source.sponsor).strip() or NO_AGENCY, "", source.award_number),
        )
    return found


def utilization(
    session: Session, *, actor: Actor, fiscal_year: int, agency: str | None = None
) -> list[UtilizationRow]:
    """The fiscal year's utilization figures per funded technology, license and product."""
    require(actor, "report.autm")
    first, last = fiscal_year_span(fiscal_year, get_settings().fiscal_year_start_month)
    funded = _funded(session)
    if agency is not None:
        funded = {d: f for d, f in funded.items() if f[0] == agency}
    if not funded:
        return []
    covered = defaultdict(list)  # agreement id -> funded disclosures it covers
    for agreement_id, disclosure_id, docket, title in session.exec(
        select(
            AgreementTechnology.agreement_id,
            AgreementTechnology.disclosure_id,
            Disclosure.docket,
            Disclosure.title,
        ).join(Disclosure, Disclosure.id == AgreementTechnology.disclosure_id)
    ).all():
        if disclosure_id in funded:
            covered[agreement_id].append((disclosure_id, docket, title))
    rows: dict[tuple, UtilizationRow] = {}
    lines = session.exec(
        select(RoyaltyReportLine, Agreement, Company.name)
        .join(RoyaltyReport, RoyaltyReport.id == RoyaltyReportLine.report_id)
        .join(Agreement, Agreement.id == RoyaltyReport.agreement_id)
        .join(Company, Company.id == Agreement.company_id)
        .where(
            RoyaltyReport.status == ReportStatus.APPROVED.value,
            RoyaltyReport.period_end >= first,
            RoyaltyReport.period_end <= last,
        )
        .order_by(Agreement.id, RoyaltyReport.period_end, RoyaltyReportLine.position)
    )
    for line, agreement, licensee in lines:
        for disclosure_id, docket, title in covered.get(agreement.id, ()):
            agency_name, iedison_number, award = funded[disclosure_id]
            key = (agency_name, docket, agreement.id, line.product)
            row = rows.get(key)
            if row is None:
                row = rows[key] = UtilizationRow(
                    agency_name,
                    docket or "",
                    title,
                    iedison_number,
                    award,
                    agreement.number,
                    licensee,
                    line.product,
                )
            gross = from_cents(line.gross_sales_cents) * Decimal(line.to_usd)
            row.units += line.units or 0
            row.gross_sales_usd += cents(gross)
            row.net_sales_usd += from_cents(line.net_sales_usd_cents or 0)
            row.made_in |= {line.country_of_manufacture} - {""}
            row.sold_in |= {line.country_of_sale} - {""}
            row.reports += 1
    return sorted(rows.values(), key=lambda r: (r.agency, r.docket, r.agreement, r.product))


def agencies(session: Session, *, actor: Actor, fiscal_year: int) -> list[str]:
    """The agencies with figures to report in the fiscal year."""
    return sorted(
        {row.agency for row in utilization(session, actor=actor, fiscal_year=fiscal_year)}
    )


COLUMNS = [
    excel.Column("Agency"),
    excel.Column("iEdison invention report"),
    excel.Column("Award"),
    excel.Column("Docket"),
    excel.Column("Invention"),
    excel.Column("Agreement"),
    excel.Column("Licensee"),
    excel.Column("Product"),
    excel.Column("Units sold", "integer"),
    excel.Column("Gross sales (USD)", "money"),
    excel.Column("Net sales (USD)", "money"),
    excel.Column("Countries of manufacture"),
    excel.Column("Countries of sale"),
    excel.Column("Reports", "integer"),
]


def workbook(session: Session, *, actor: Actor, fiscal_year: int, agency: str) -> bytes:
    """The agency's utilization workbook of the fiscal year."""
    rows = utilization(session, actor=actor, fiscal_year=fiscal_year, agency=agency)
    return excel.workbook_bytes(
        [
            excel.Sheet(
                excel.sheet_title(f"Utilization FY{fiscal_year}"),
                COLUMNS,
                [
                    [
                        r.agency,
                        r.iedison_number,
                        r.award_number,
                        r.docket,
                        r.title,
                        r.agreement,
                        r.licensee,
                        r.product,
                        r.units,
                        r.gross_sales_usd,
                        r.net_sales_usd,
                        ", ".join(sorted(r.made_in)),
                        ", ".join(sorted(r.sold_in)),
                        r.reports,
                    ]
                    for r in rows
                ],
            )
        ]
    )
