"""A case's printable summary (issue #16, item 8): one Word file, read back here, holding what
its reader may read of the case and nothing else, gathered by a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import sqlalchemy as sa
from docx import Document
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import make_actor
from tests.services.test_revenue import distribute, receive, signed_license, technology
from tlo import case_summary
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.disclosures.models import Disclosure
from tlo.errors import DomainError
from tlo.licensing import outreach
from tlo.licensing.models import Channel
from tlo.licensing.outreach import CompanyForm
from tlo.money import dollars, from_cents
from tlo.patents import services as patents
from tlo.patents.models import PatentApplication
from tlo.patents.services import ApplicationForm
from tlo.revenue import services as revenue
from tlo.revenue.models import Distribution, DistributionLine, Income

TITLE = "Solid-state battery & <fast> charging"


def read_back(data: bytes) -> tuple[list[str], list[list[list[str]]], str]:
    """(headings, tables as rows of cell texts, all the text) of a Word file."""
    document = Document(BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell for table in tables for row in table for cell in row]
        + [p.text for p in document.sections[0].header.paragraphs]
    )
    return headings, tables, text


def table_with(tables, header: str) -> list[list[str]]:
    return next(table for table in tables if header in table[0])


def summary_of(engine, actor, case_id) -> bytes:
    with unit_of_work(engine) as session:
        return case_summary.case_summary_docx(
            session, actor=actor, disclosure_id=case_id, today=TODAY
        )


@pytest.fixture
def licensed_case(engine, office):
    """A filed case of Alice (60 %) and Bob (40 %) with a provisional and its PCT, an
    exclusive license, a royalty distributed and posted, another posted and then reversed, and
    a company in its pipeline with one touch. The first royalty pays the office its fee and
    the $20,000 of patent costs back before the inventors share the rest."""
    case_id = technology(engine, office, title=TITLE)
    with unit_of_work(engine) as session:
        provisional = session.exec(
            select(PatentApplication).where(PatentApplication.disclosure_id == case_id)
        ).one()
        patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            form=ApplicationForm(
                "WO", "pct", TODAY - timedelta(days=10), "PCT/US2026/0042", parent_id=provisional.id
            ),
        )
    agreement_id = signed_license(engine, office, [case_id])
    kept = receive(engine, office, agreement_id, "50000")
    distribute(engine, office, kept)
    reversed_income = receive(engine, office, agreement_id, "2500")
    distribute(engine, office, reversed_income)
    with unit_of_work(engine) as session:
        revenue.reverse_income(
            session, actor=office.finance, income_id=reversed_income, reason="Wrong quarter"
        )
        company = outreach.save_company(
            session, actor=office.officer, form=CompanyForm("Lumen Cells Ltd", "small")
        )
        started = outreach.start_outreach(
            session, actor=office.officer, disclosure_id=case_id, company_id=company.id
        )
        outreach.log_touch(
            session,
            actor=office.officer,
            outreach_id=started.id,
            touched_on=TODAY - timedelta(days=3),
            channel=Channel.CALL,
            note="Asked for the data sheet",
            next_follow_up=TODAY + timedelta(days=7),
            today=TODAY,
        )
        docket = session.get(Disclosure, case_id).docket
    return case_id, docket, agreement_id, kept


def posted_to(engine, case_id) -> dict[str, Decimal]:
    """What the posted distributions of the case paid each recipient, line by line."""
    totals: dict[str, Decimal] = {}
    with unit_of_work(engine) as session:
        for recipient, cents in session.exec(
            select(DistributionLine.recipient, DistributionLine.amount_cents)
            .join(Distribution, Distribution.id == DistributionLine.distribution_id)
            .where(Distribution.disclosure_id == case_id, Distribution.status == "posted")
        ).all():
            totals[recipient] = totals.get(recipient, Decimal(0)) + from_cents(cents)
    return {name: amount for name, amount in totals.items() if amount}


def test_the_directors_summary_holds_every_part_of_the_case(engine, office, licensed_case):
    case_id, docket, agreement_id, _ = licensed_case
    headings, tables, text = read_back(summary_of(engine, office.director, case_id))

    assert headings == [
        "Status and history",
        "Inventors and shares",
        "Funding",
        "Ownership",
        "Patents and deadlines",
        "Agreements",
        "Income and distributions",
        "Outreach",
    ]
    assert "Ours alone: no inter-institutional agreement." in text
    assert f"Case summary · {docket}" in text and TITLE in text  # & and < kept as written
    assert "Prepared for Diane Whitfield on " + str(TODAY) in text
    assert "Status: Licensed" in text and "Licensing officer: Olivia Ortega" in text
    history = table_with(tables, "Status")
    assert [row[1] for row in history[1:3]] == [
        "Received, awaiting triage",
        "Assigned to an officer",
    ]
    assert table_with(tables, "Decision")[1][1] == "File provisional"
    inventors = table_with(tables, "Inventor")
    assert [(row[0], row[3]) for row in inventors[1:]] == [
        ("Alice Chen", "60 %"),
        (f"Bob Okafor {TITLE}", "40 %"),
    ]
    family = table_with(tables, "Application")
    assert [row[0] for row in family[1:]] == [
        "US Provisional 63/1",
        "   ↳ WO PCT PCT/US2026/0042",
    ]
    assert "Patent costs invoiced $20,000.00, paid $0.00, unpaid $20,000.00." in text
    deadlines = table_with(tables, "Deadline")
    assert len(deadlines) > 1 and all(row[4] for row in deadlines[1:])
    agreements = table_with(tables, "Agreement")
    assert agreements[1][0] == f"AGR-{agreement_id:05d}"
    assert agreements[1][2:4] == ["VoltCell & Sons Inc.", "Executed"]
    assert agreements[1][5] == "100 %"
    fiscal_year, *income = table_with(tables, "Fiscal year")[1]
    with unit_of_work(engine) as session:
        assert fiscal_year == f"FY{session.get(Income, licensed_case[3]).fiscal_year}"
    # Both royalties were received; only the one whose distribution stands was distributed.
    assert income == ["Running royalty", "2", "$52,500.00", "$50,000.00"]
    paid = {row[0]: row[2] for row in table_with(tables, "Recipient")[1:]}
    assert paid == {name: dollars(amount) for name, amount in posted_to(engine, case_id).items()}
    assert paid["Alice Chen"] and sum(
        (Decimal(value.strip("$").replace(",", "")) for value in paid.values()), Decimal(0)
    ) == Decimal("50000.00")  # every cent of the standing distribution, reversal netted
    pipeline = table_with(tables, "Company")
    assert pipeline[1][0] == "Lumen Cells Ltd" and pipeline[1][3:] == [
        "1",
        str(TODAY - timedelta(days=3)),
        str(TODAY + timedelta(days=7)),
    ]
    assert "Not in this summary" not in text


@pytest.mark.parametrize(
    ("reader", "shown", "left_out"),
    [
        (
            "officer",
            [
                "Ownership",
                "Patents and deadlines",
                "Agreements",
                "Income and distributions",
                "Outreach",
            ],
            "distributions",
        ),
        (
            "finance",
            ["Ownership", "Patents and deadlines", "Agreements", "Income and distributions"],
            "deadlines, outreach",
        ),
        (
            "inventor",
            [],
            "filing decisions, patents, deadlines, agreements, income, distributions, outreach, "
            "ownership (inter-institutional agreement)",
        ),
    ],
)
def test_each_reader_gets_only_the_parts_their_role_may_read(
    engine, office, licensed_case, reader, shown, left_out
):
    case_id, docket, *_ = licensed_case
    headings, tables, text = read_back(summary_of(engine, getattr(office, reader), case_id))
    assert headings == ["Status and history", "Inventors and shares", "Funding", *shown]
    assert f"Not in this summary, since your role does not read them: {left_out}." in text
    assert docket in text and "Alice Chen" in text
    if "distributions" in left_out:  # who was paid what: finance and the director only
        assert "Paid to" not in text and not any("Recipient" in t[0] for t in tables)
    if reader == "inventor":
        # (the timeline, which inventors read, says which license made the case licensed)
        for secret in ("Lumen", "63/1", "PCT/US2026", "$", "Exclusive license"):
            assert secret not in text, secret
        assert "Filing decisions" not in text and not any("Decision" in t[0] for t in tables)
    if reader == "finance":
        assert "Lumen" not in text and "Open deadlines" not in text
        assert "$50,000.00" in text and "Paid to" in text


def test_a_case_the_reader_may_not_open_has_no_summary(engine, office, licensed_case):
    case_id, *_ = licensed_case
    stranger = make_actor(engine, Role.INVENTOR, name="Someone Else")
    admin = make_actor(engine, Role.ADMIN, name="Adam Admin")
    for reader in (stranger, admin):
        with pytest.raises(DomainError):
            summary_of(engine, reader, case_id)
    with pytest.raises(DomainError):
        summary_of(engine, office.director, 10**9)


class Statements:
    """Counts the SQL statements an engine runs."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args, **kwargs):
        self.count += 1


def test_the_summary_takes_as_many_queries_for_a_large_case_as_for_a_small_one(
    engine, office, licensed_case
):
    case_id, _, agreement_id, _ = licensed_case
    summary_of(engine, office.director, case_id)  # the docket settled, caches warm
    with Statements(engine) as small:
        summary_of(engine, office.director, case_id)

    with unit_of_work(engine) as session:
        pct = session.exec(
            select(PatentApplication.id).where(
                PatentApplication.disclosure_id == case_id,
                PatentApplication.application_type == "pct",
            )
        ).one()
        for jurisdiction in ("EP", "JP", "CN", "CA"):
            patents.add_application(
                session,
                actor=office.officer,
                disclosure_id=case_id,
                form=ApplicationForm(
                    jurisdiction, "national_phase", TODAY - timedelta(days=5), parent_id=pct
                ),
            )
        for name in ("Ampere Works", "Kelvin Storage", "Ohm Mobility"):
            company = outreach.save_company(
                session, actor=office.officer, form=CompanyForm(name, "large")
            )
            outreach.start_outreach(
                session, actor=office.officer, disclosure_id=case_id, company_id=company.id
            )
    for days in (40, 30, 20):
        distribute(
            engine,
            office,
            receive(engine, office, agreement_id, "1000", received_on=TODAY - timedelta(days)),
        )
    with Statements(engine) as large:
        data = summary_of(engine, office.director, case_id)
    _, tables, _ = read_back(data)
    assert len(table_with(tables, "Application")) == 1 + 6
    assert len(table_with(tables, "Company")) == 1 + 4
    assert large.count == small.count, (small.count, large.count)
    assert small.count <= 40
