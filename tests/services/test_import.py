"""Bulk import of legacy records from Excel, on SQLite and PostgreSQL: each kind's good file
imports, a file with bad rows imports nothing and reports each of them, the dry run writes
nothing, and a whole chain (people, disclosures, patents, companies, agreements, income) works
end to end. Files are built from the template itself, so the template is exercised too."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from tests.factories import make_actor
from tlo.audit import AuditEntry
from tlo.auth.models import Role
from tlo.auth.permissions import system_actor
from tlo.db import unit_of_work
from tlo.disclosures import queries
from tlo.disclosures.models import (
    Disclosure,
    DisclosureInventor,
    DisclosureStatus,
    FundingSource,
    StatusChange,
)
from tlo.disclosures.numbering import next_docket
from tlo.disclosures.queries import DisclosureFilters
from tlo.errors import PermissionDenied, ValidationError
from tlo.licensing import agreements, outreach
from tlo.licensing.agreement_models import Agreement, AgreementTechnology
from tlo.licensing.models import Company
from tlo.licensing.terms import Tier
from tlo.patents import services as patents
from tlo.patents.models import PatentApplication, PatentCost
from tlo.people import services as people
from tlo.people.models import Person
from tlo.reports import importer
from tlo.reports.import_kinds import KINDS
from tlo.reports.importer import ImportRefused, Problem
from tlo.revenue import services as revenue
from tlo.revenue.models import Income

# --- building files --------------------------------------------------------------------------


@dataclass
class Formatted:
    """A cell value with an Excel number format, e.g. 0.25 shown as 25 %."""

    value: Any
    number_format: str


def xlsx(kind: str, rows: list[dict[str, Any]]) -> bytes:
    """The kind's template with its example row replaced by `rows` (column header: value)."""
    book = load_workbook(BytesIO(importer.template_workbook(kind)))
    sheet = book[KINDS[kind].label]
    headers = [cell.value for cell in sheet[1]]
    for cell in sheet[2]:
        cell.value = None
    for number, row in enumerate(rows, start=2):
        assert set(row) <= set(headers), f"not in the template: {set(row) - set(headers)}"
        for index, header in enumerate(headers, start=1):
            value = row.get(header)
            cell = sheet.cell(number, index)
            if isinstance(value, Formatted):
                cell.value, cell.number_format = value.value, value.number_format
            else:
                cell.value = value
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_import(engine, actor, kind, rows, **kwargs) -> importer.ImportReport:
    with unit_of_work(engine) as session:
        return importer.import_file(
            session, actor=actor, kind=kind, content=xlsx(kind, rows), **kwargs
        )


def run_check(engine, actor, kind, rows) -> importer.ImportReport:
    with unit_of_work(engine) as session:
        return importer.check_file(session, actor=actor, kind=kind, content=xlsx(kind, rows))


def refused(engine, actor, kind, rows) -> list[Problem]:
    """Import a file that must be refused; returns its problems once nothing was written."""
    before = counts(engine)
    with pytest.raises(ImportRefused) as refusal, unit_of_work(engine) as session:
        importer.import_file(session, actor=actor, kind=kind, content=xlsx(kind, rows))
    assert counts(engine) == before, "a refused file writes nothing"
    assert "nothing was imported" in str(refusal.value)
    return refusal.value.report.problems


TABLES = [
    Person,
    Company,
    Disclosure,
    DisclosureInventor,
    FundingSource,
    StatusChange,
    PatentApplication,
    PatentCost,
    Agreement,
    AgreementTechnology,
    Income,
    AuditEntry,
]


def counts(engine) -> dict[str, int]:
    with unit_of_work(engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in TABLES
        }


# --- the legacy office -----------------------------------------------------------------------

# Reads back through the services as the director would (an administrator reads no cases).
READER = system_actor("tests")

PEOPLE = [
    {"Full name": "Ada Lovelace", "E-mail": "Ada@Uni.Example", "Department code": "ee"},
    {"Full name": "Alan Turing", "E-mail": "alan@uni.example", "Department code": "ME"},
    {
        "Full name": "Grace Hopper",
        "E-mail": "grace@navy.example",
        "Organisation": "US Navy",
        "External": "yes",
    },
    {"Full name": "Olga Officer", "E-mail": "olga@uni.example", "External": "no"},
]
DISCLOSURES = [
    {
        "Docket": "S19-0042",
        "Title": "Low-power neural accelerator",
        "Abstract": "A sparse systolic array.",
        "Keywords": "accelerator, edge AI",
        "Stage": "Prototype",
        "Received on": date(2019, 3, 4),
        "Status": "marketing",
        "Officer e-mail": "OLGA@uni.example",
        "Inventors": "ada@uni.example: 60; alan@uni.example: 40",
        "Funding sponsor": "National Science Foundation",
        "Award number": "CCF-1234567",
        "Federal": "yes",
        "Agency": "NSF",
    },
    {
        "Docket": "s19-0043",
        "Title": "Solid-state battery",
        "Received on": "2019-05-01",
        "Status": "Licensed",
        "Inventors": "grace@navy.example: 100",
    },
    {
        "Docket": "2004-117",
        "Title": "Old optical switch",
        "Received on": date(2004, 2, 1),
        "Status": "closed",
        "Inventors": "ada@uni.example: 33.34; alan@uni.example: 33.33\ngrace@navy.example: 33.33",
    },
]
PATENTS = [
    {
        "Docket": "S19-0042",
        "Jurisdiction": "us",
        "Type": "provisional",
        "Application number": "62/123,456",
        "Filing date": date(2019, 6, 3),
        "Government support clause": "yes",
        "Costs to date": 4850.5,
        "Costs as of": date(2019, 7, 1),
    },
    {
        "Docket": "S19-0042",
        "Jurisdiction": "WO",
        "Type": "PCT",
        "Application number": "PCT/US2020/012345",
        "Filing date": date(2020, 6, 1),
        "Parent application number": "62/123,456",
    },
    {
        "Docket": "S19-0042",
        "Jurisdiction": "EP",
        "Type": "regional phase",
        "Application number": "EP20123456",
        "Filing date": date(2021, 12, 1),
        "Parent application number": "PCT/US2020/012345",  # the row above
        "Status": "published",
        "Publication number": "EP4000000",
        "Publication date": date(2022, 3, 2),
    },
    {
        "Docket": "S19-0043",
        "Jurisdiction": "US",
        "Type": "nonprovisional",
        "Application number": "16/987,654",
        "Filing date": date(2020, 5, 1),
        "Status": "granted",
        "Grant number": 11222333,
        "Grant date": date(2022, 1, 4),
        "Counsel firm": "Fish & Partners LLP",
    },
]
COMPANIES = [
    {"Name": "Klein Photonics GmbH", "Size": "small", "Sector": "Photonics"},
    {"Name": "VoltCell Inc.", "Size": "Start-up", "Interests": "batteries", "Do not contact": ""},
]
AGREEMENTS = [
    {
        "Legacy reference": "L-2019-007",
        "Type": "Exclusive license",
        "Status": "active",
        "Licensee": "KLEIN PHOTONICS",
        "Title": "Exclusive license: accelerator and battery",
        "Technologies": "S19-0042: 60; S19-0043: 40",
        "Licensed patents": "62/123,456; 16/987,654",
        "Officer e-mail": "olga@uni.example",
        "Effective date": date(2020, 1, 15),
        "Signed on": date(2020, 1, 10),
        "Term (months)": 120,
        "Upfront fee": 25000,
        "Annual fees": "10000; 15000",
        "Royalty rates": "Net sales; 3",
        "Milestones": "First commercial sale; 50000; 2023-06-30",
        "Sublicense share (%)": Formatted(0.25, "0%"),
        "Past patent costs": "4,850.50",
        "Reimburse ongoing costs": "yes",
    },
    {
        "Legacy reference": "L-2020-002",
        "Type": "option",
        "Status": "draft",
        "Licensee": "VoltCell",
        "Title": "Option on the old optical switch",
        "Technologies": "2004-117",
        "Officer e-mail": "olga@uni.example",
    },
]


@pytest.fixture
def admin(engine):
    """An administrator, in an office with two departments (EE and ME)."""
    actor = make_actor(engine, Role.ADMIN, name="Adam Kowalski")
    with unit_of_work(engine) as session:
        school = people.create_school(session, actor=actor, name="Engineering", code="ENG")
        for name, code in (("Electrical Engineering", "EE"), ("Mechanical Engineering", "ME")):
            people.create_department(
                session, actor=actor, name=name, code=code, school_id=school.id
            )
    return actor


def import_up_to(engine, actor, last: str) -> None:
    """Import the legacy office's files in order, up to the kind `last`."""
    chain = [
        ("people", PEOPLE),
        ("disclosures", DISCLOSURES),
        ("patents", PATENTS),
        ("companies", COMPANIES),
        ("agreements", AGREEMENTS),
    ]
    for kind, rows in chain:
        report = run_import(engine, actor, kind, rows)
        assert report.ok and report.created == len(rows), report.problems
        if kind == last:
            return


def disclosure_id(engine, docket: str) -> int:
    with unit_of_work(engine) as session:
        page = queries.search_disclosures(
            session, actor=READER, filters=DisclosureFilters(docket=docket)
        )
    assert [row.docket for row in page.items] == [docket]
    return page.items[0].id


# --- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_template_has_its_header_an_example_and_a_sheet_explaining_each_column(kind):
    book = load_workbook(BytesIO(importer.template_workbook(kind)))
    spec = KINDS[kind]
    data, columns = book.worksheets
    assert [cell.value for cell in data[1]] == [c.header for c in spec.columns]
    assert data.freeze_panes == "A2"
    assert any(cell.value is not None for cell in data[2]), "an example row"
    assert columns.title == "Columns"
    explained = {row[0]: row for row in columns.iter_rows(min_row=2, values_only=True)}
    assert list(explained) == [c.header for c in spec.columns]
    required = {c.header for c in spec.columns if c.required}
    assert {header for header, row in explained.items() if row[1] == "yes"} == required


def test_an_unknown_kind_is_refused_by_name():
    with pytest.raises(ValidationError, match="tlo does not import 'patent'"):
        importer.template_workbook("patent")


# --- each kind -------------------------------------------------------------------------------


def test_a_good_people_file_imports_and_the_people_are_there(engine, admin):
    report = run_import(engine, admin, "people", PEOPLE)
    assert (report.rows_read, report.problems, report.created) == (4, [], 4)
    with unit_of_work(engine) as session:
        rows = people.list_people(session, actor=admin, search="example").items
    found = {
        row.email: (row.full_name, row.department, row.organisation)
        for row in rows
        if not row.email.endswith("@test.example")  # the administrator's own record
    }
    assert found == {
        "ada@uni.example": ("Ada Lovelace", "Electrical Engineering", None),
        "alan@uni.example": ("Alan Turing", "Mechanical Engineering", None),
        "grace@navy.example": ("Grace Hopper", None, "US Navy"),
        "olga@uni.example": ("Olga Officer", None, None),
    }


def test_a_good_companies_file_imports_and_a_second_spelling_is_then_refused(engine, admin):
    report = run_import(engine, admin, "companies", COMPANIES)
    assert (report.problems, report.created) == ([], 2)
    with unit_of_work(engine) as session:
        companies = outreach.list_companies(session, actor=READER).items
    assert [(c.name, c.size, c.sector) for c in companies] == [
        ("Klein Photonics GmbH", "small", "Photonics"),
        ("VoltCell Inc.", "startup", ""),
    ]
    again = run_check(engine, admin, "companies", [{"Name": "Voltcell, LLC", "Size": "small"}])
    assert again.problems == [
        Problem(2, "Name", 'Voltcell, LLC is already recorded (as "VoltCell Inc.").')
    ]


def test_a_good_disclosures_file_imports_with_its_inventors_status_and_funding(engine, admin):
    import_up_to(engine, admin, "disclosures")
    case_id = disclosure_id(engine, "S19-0042")
    with unit_of_work(engine) as session:
        case = queries.get_case(session, actor=READER, disclosure_id=case_id)
    assert case.status is DisclosureStatus.MARKETING
    assert case.officer_name == "Olga Officer"
    assert case.submitter_name == "Ada Lovelace"  # the first inventor
    assert [(i.name, i.share) for i in case.inventors] == [
        ("Ada Lovelace", Decimal("60.00")),
        ("Alan Turing", Decimal("40.00")),
    ]
    assert all(i.confirmed_at is not None for i in case.inventors)
    assert case.disclosure.fiscal_year == 2019
    assert case.disclosure.stage == "prototype"
    assert [(f.sponsor, f.is_federal, f.agency) for f in case.funding] == [
        ("National Science Foundation", True, "NSF")
    ]
    assert [(t.from_status, t.to_status, t.note) for t in case.timeline] == [
        (None, "marketing", "Imported from legacy records")
    ]
    assert [e.action for e in case.history] == ["disclosure.imported"]
    old = disclosure_id(engine, "2004-117")
    with unit_of_work(engine) as session:
        shares = [
            i.share for i in queries.get_case(session, actor=READER, disclosure_id=old).inventors
        ]
    assert shares == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_a_disclosure_submitted_later_never_takes_an_imported_docket_number(engine, admin):
    import_up_to(engine, admin, "disclosures")
    with unit_of_work(engine) as session:
        assert next_docket(session, 2019) == "S19-0044"  # S19-0042 and S19-0043 were imported
        assert next_docket(session, 2004) == "S04-0001"  # "2004-117" is not in tlo's form


def test_a_good_patents_file_imports_a_family_whose_child_names_a_parent_on_an_earlier_row(
    engine, admin
):
    import_up_to(engine, admin, "patents")
    case_id = disclosure_id(engine, "S19-0042")
    with unit_of_work(engine) as session:
        view = patents.patent_case(session, actor=READER, disclosure_id=case_id)
    family = [(n.application.application_number, n.depth) for n in view.family]
    assert family == [("62/123,456", 0), ("PCT/US2020/012345", 1), ("EP20123456", 2)]
    assert view.family[0].application.jurisdiction == "US"
    assert view.totals.total == Decimal("4850.50")
    assert view.family[2].application.publication_number == "EP4000000"
    granted = disclosure_id(engine, "S19-0043")
    with unit_of_work(engine) as session:
        (node,) = patents.family_tree(session, actor=READER, disclosure_id=granted)
    assert (node.application.status, node.application.grant_number) == ("granted", "11222333")


def test_a_good_agreements_file_imports_the_terms_exactly(engine, admin):
    import_up_to(engine, admin, "agreements")
    with unit_of_work(engine) as session:
        listed = agreements.list_agreements(session, actor=READER).items
        by_title = {agreement.title: (agreement, company) for agreement, company in listed}
        license_, licensee = by_title["Exclusive license: accelerator and battery"]
        view = agreements.get_agreement(session, actor=READER, agreement_id=license_.id)
    assert licensee == "Klein Photonics GmbH"
    assert (view.agreement.status, view.agreement.signed_on) == ("active", date(2020, 1, 10))
    assert [(d.docket, share) for d, share in view.technologies] == [
        ("S19-0042", Decimal(60)),
        ("S19-0043", Decimal(40)),
    ]
    assert sorted(p.application_number for p in view.patents) == ["16/987,654", "62/123,456"]
    assert view.agreement.upfront_fee_cents == 2_500_000
    assert [fee.amount_cents for fee in view.annual_fees] == [1_000_000, 1_500_000]
    assert [(r.applies_to, r.tiers) for r in view.royalty_rates] == [
        ("Net sales", (Tier(None, Decimal(3)),))
    ]
    assert [(m.event, m.amount_cents, m.due_date) for m in view.milestones] == [
        ("First commercial sale", 5_000_000, date(2023, 6, 30))
    ]
    assert view.agreement.sublicense_share_bp == 2500  # a cell formatted as 25 %
    assert view.agreement.past_patent_costs_cents == 485_050
    assert view.agreement.notes == "Legacy reference: L-2019-007"
    option, company = by_title["Option on the old optical switch"]
    assert (option.status, company, option.signed_on) == ("draft", "VoltCell Inc.", None)
    # signed before tlo: its licensee's size as the company's record gives it now (AUTM counts
    # licenses by the size at signing); an unsigned one has none yet
    with unit_of_work(engine) as session:
        klein = session.exec(select(Company).where(Company.name == licensee)).one()
        assert klein.size == "small"
        assert view.agreement.licensee_size == "small"
    assert option.licensee_size is None


def test_a_good_income_file_imports_payments_named_by_legacy_reference_or_number(engine, admin):
    import_up_to(engine, admin, "agreements")
    with unit_of_work(engine) as session:
        license_id = importer.legacy_references(session)["l-2019-007"]
    number = f"AGR-{license_id:05d}"
    rows = [
        {
            "Agreement": "L-2019-007",
            "Received on": date(2021, 2, 15),
            "Type": "royalty",
            "Amount": 12500.5,
            "Licensee reference": "INV-2021-004",
        },
        {
            "Agreement": number.lower(),
            "Received on": "2020-02-01",
            "Type": "upfront",
            "Amount": "25,000.00",
        },
    ]
    report = run_import(engine, admin, "income", rows)
    assert (report.problems, report.created) == ([], 2)
    with unit_of_work(engine) as session:
        incomes = revenue.list_incomes(session, actor=READER).items
    assert [
        (i.agreement_number, i.income.income_type, i.income.amount_cents, i.income.fiscal_year)
        for i in incomes
    ] == [
        (number, "royalty", 1_250_050, 2021),
        (number, "upfront", 2_500_000, 2020),
    ]
    again = run_check(engine, admin, "income", rows[:1])
    assert again.problems == [Problem(2, "", "This payment is already recorded in tlo.")]
    # A payment voided as recorded by mistake is not recorded: the file may record it again.
    with unit_of_work(engine) as session:
        revenue.void_income(
            session,
            actor=system_actor("test"),
            income_id=next(i.income.id for i in incomes if i.income.income_type == "royalty"),
            reason="Typed by hand before the import",
        )
    assert run_check(engine, admin, "income", rows[:1]).problems == []


def test_the_whole_chain_of_files_imports_end_to_end_and_each_import_is_audited(engine, office):
    director = office.director
    with unit_of_work(engine) as session:
        school = people.create_school(session, actor=director, name="Engineering", code="ENG")
        for code in ("EE", "ME"):
            people.create_department(
                session, actor=director, name=f"{code} dept", code=code, school_id=school.id
            )
    import_up_to(engine, director, "agreements")
    income = [
        {
            "Agreement": "L-2019-007",
            "Received on": date(2022, 3, 1),
            "Type": "milestone",
            "Amount": 50000,
        }
    ]
    assert run_import(engine, director, "income", income).created == 1
    with unit_of_work(engine) as session:
        imports = session.exec(
            select(AuditEntry.object_id, AuditEntry.after)
            .where(AuditEntry.action == "data.imported")
            .order_by(AuditEntry.id)
        ).all()
    assert [(kind, after["created"]) for kind, after in imports] == [
        ("people", 4),
        ("disclosures", 3),
        ("patents", 4),
        ("companies", 2),
        ("agreements", 2),
        ("income", 1),
    ]
    case_id = disclosure_id(engine, "S19-0043")
    with unit_of_work(engine) as session:
        case = queries.get_case(session, actor=director, disclosure_id=case_id)
    assert (case.status, [i.name for i in case.inventors]) == (
        DisclosureStatus.LICENSED,
        ["Grace Hopper"],
    )


# --- bad files -------------------------------------------------------------------------------


def test_a_people_file_with_bad_rows_imports_nothing_and_reports_each_one(engine, admin):
    problems = refused(
        engine,
        admin,
        "people",
        [
            {"Full name": "Zoe Park", "E-mail": "zoe@uni.example", "Department code": "EE"},
            {"Full name": "Uma Known", "E-mail": "uma@uni.example", "Department code": "XX"},
            {"Full name": "Zoe Again", "E-mail": "ZOE@uni.example"},
            {"Full name": "No Mail", "E-mail": "not-an-email"},
            {
                "Full name": "Out Side",
                "E-mail": "out@corp.example",
                "External": "yes",
                "Department code": "EE",
            },
            {"E-mail": "nameless@uni.example", "External": "maybe"},
        ],
    )
    assert [(p.row, p.column) for p in problems] == [
        (3, "Department code"),
        (4, "E-mail"),
        (5, "E-mail"),
        (6, "Department code"),
        (6, "Organisation"),
        (7, "Full name"),
        (7, "External"),
    ]
    messages = [p.message for p in problems]
    assert messages[0] == "There is no department coded XX."
    assert messages[1] == "zoe@uni.example is also on row 2; list it once."
    assert messages[2].startswith("The e-mail address is not valid")
    assert messages[3] == "An external person has an organisation, not a department."
    assert messages[4] == "Name the organisation of an external person."
    assert messages[5] == "Full name is missing; it is required."
    assert messages[6] == "Write yes or no, not 'maybe'."


def test_a_disclosures_file_with_bad_rows_imports_nothing_and_reports_each_one(engine, admin):
    import_up_to(engine, admin, "people")
    good = {
        "Docket": "S20-0001",
        "Title": "Good case",
        "Received on": date(2020, 1, 6),
        "Status": "submitted",
        "Inventors": "ada@uni.example: 100",
    }
    problems = refused(
        engine,
        admin,
        "disclosures",
        [
            good,
            good | {"Docket": "S20-0002", "Inventors": "ada@uni.example: 60; alan@uni.example: 30"},
            good | {"Docket": "S20-0003", "Received on": "2020-02-30"},
            good | {"Docket": "S20-0004", "Inventors": "nobody@uni.example: 100"},
            good | {"Title": "Same docket again"},
            good | {"Docket": "S20-0005", "Status": "pending review"},
            good | {"Docket": "S20-0006", "Status": "deferred"},
            good | {"Docket": "S19-0042", "Received on": date(2099, 1, 1)},
        ],
    )
    assert problems == [
        Problem(3, "Inventors", "Inventor shares add up to 90 %; they must add up to 100 %."),
        Problem(4, "Received on", "'2020-02-30' is not a date; use an Excel date or YYYY-MM-DD."),
        Problem(
            5,
            "Inventors",
            "No one in tlo has the e-mail nobody@uni.example; import them with the people "
            "file first.",
        ),
        Problem(6, "Docket", "S20-0001 is also on row 2; list it once."),
        Problem(
            7,
            "Status",
            "'pending review' is not allowed here; use one of: submitted, assigned, evaluating, "
            "filing, deferred, released, abandoned, filed, marketing, licensed, closed.",
        ),
        Problem(
            8,
            "Officer e-mail",
            "Name the licensing officer: a case that is 'Decision deferred' has one.",
        ),
        Problem(8, "Review on", "A deferred case needs the date to review it again."),
        Problem(9, "Received on", "2099-01-01 is in the future; give the day it was received."),
    ]


def test_a_patents_file_with_bad_rows_imports_nothing_and_reports_each_one(engine, admin):
    import_up_to(engine, admin, "disclosures")
    problems = refused(
        engine,
        admin,
        "patents",
        [
            {
                "Docket": "S99-0001",
                "Jurisdiction": "US",
                "Type": "provisional",
                "Filing date": date(2020, 1, 1),
            },
            {
                "Docket": "S19-0043",
                "Jurisdiction": "US",
                "Type": "nonprovisional",
                "Filing date": date(2020, 1, 1),
                "Status": "granted",
            },
            {
                "Docket": "S19-0043",
                "Jurisdiction": "JP",
                "Type": "national_phase",
                "Filing date": date(2021, 1, 1),
                "Parent application number": "PCT/XX/1",
            },
            {
                "Docket": "S19-0042",
                "Jurisdiction": "US",
                "Type": "provisional",
                "Filing date": date(2019, 6, 1),
                "Costs to date": -10,
            },
        ],
    )
    assert problems == [
        Problem(2, "Docket", "There is no disclosure S99-0001 in tlo."),
        Problem(3, "Grant number", "A granted patent needs its number."),
        Problem(3, "Grant date", "A granted patent needs its grant date."),
        Problem(
            4,
            "Parent application number",
            "S19-0043 has no application PCT/XX/1, in tlo or on an earlier row of this file.",
        ),
        Problem(
            5,
            "Government support clause",
            "S19-0042 is federally funded: a US application carries the government-support "
            "clause (35 U.S.C. 202(c)(6)); write yes.",
        ),
        Problem(5, "Costs to date", "Costs cannot be negative."),
    ]


def test_an_agreements_file_with_bad_rows_imports_nothing_and_reports_each_one(engine, admin):
    import_up_to(engine, admin, "companies")
    good = AGREEMENTS[1]
    problems = refused(
        engine,
        admin,
        "agreements",
        [
            good,
            good | {"Legacy reference": "B", "Technologies": "S19-0042: 50; S19-0043: 40"},
            good | {"Legacy reference": "C", "Technologies": "S77-0001", "Licensee": "Nobody"},
            good | {"Legacy reference": "D", "Status": "active", "Upfront fee": -5},
            good | {"Legacy reference": "l-2020-002"},
        ],
    )
    assert problems == [
        Problem(
            3, "Technologies", "The income allocation adds up to 90 %; it must add up to 100 %."
        ),
        Problem(
            4,
            "Licensee",
            "No company named Nobody in tlo; import it with the companies file first.",
        ),
        Problem(4, "Technologies", "There is no disclosure S77-0001 in tlo."),
        Problem(5, "Signed on", "An agreement that is active has been signed."),
        Problem(5, "Upfront fee", "Fees and costs cannot be negative."),
        Problem(6, "Legacy reference", "l-2020-002 is also on row 2; list it once."),
    ]


def test_an_income_file_with_bad_rows_imports_nothing_and_reports_each_one(engine, admin):
    import_up_to(engine, admin, "agreements")
    good = {
        "Agreement": "L-2019-007",
        "Received on": date(2021, 2, 15),
        "Type": "royalty",
        "Amount": 100,
    }
    problems = refused(
        engine,
        admin,
        "income",
        [
            good,
            good | {"Amount": -500},
            good | {"Agreement": "L-404"},
            good | {"Agreement": "L-2020-002"},
            good | {"Amount": "12.345"},
            good | {"Type": "gift"},
            good,
        ],
    )
    assert problems == [
        Problem(3, "Amount", "The amount received must be more than zero."),
        Problem(
            4,
            "Agreement",
            "There is no agreement L-404 in tlo (give its legacy reference or its AGR number).",
        ),
        Problem(5, "Agreement", "L-2020-002 is draft; income is recorded on signed agreements."),
        Problem(6, "Amount", "An amount has at most two decimals: '12.345' has more."),
        Problem(
            7,
            "Type",
            "'gift' is not allowed here; use one of: upfront, annual_fee, royalty, milestone, "
            "sublicense, equity, cost_reimbursement.",
        ),
        Problem(8, "", "The same payment is also on row 2; list it once."),
    ]


def test_a_file_whose_columns_are_not_the_templates_is_reported_on_the_header_row(engine, admin):
    book = load_workbook(BytesIO(importer.template_workbook("people")))
    sheet = book.worksheets[0]
    sheet["B1"] = "Email address"
    sheet["F1"] = "Full name"
    buffer = BytesIO()
    book.save(buffer)
    with unit_of_work(engine) as session:
        report = importer.check_file(session, actor=admin, kind="people", content=buffer.getvalue())
    assert report.rows_read == 0
    assert [(p.row, p.column) for p in report.problems] == [
        (1, "Email address"),
        (1, "Full name"),
        (1, "E-mail"),
    ]
    assert report.problems[0].message.startswith("tlo does not know this column.")
    assert report.problems[1].message == "This column appears twice; keep one."
    assert report.problems[2].message == "This required column is missing; use the template."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Full name,E-mail\nAda,ada@uni.example\n", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, r"old Excel file \(.xls\)"),
        (b"PK\x03\x04 but not really a zip", "cannot be read as an Excel workbook"),
        (b"", "not an Excel workbook"),
    ],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused_clearly(engine, admin, content, message):
    with pytest.raises(ValidationError, match=message), unit_of_work(engine) as session:
        importer.check_file(session, actor=admin, kind="people", content=content)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(engine, admin, monkeypatch):
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 1000)
    with (
        pytest.raises(ValidationError, match="files of up to 20 MB"),
        unit_of_work(engine) as session,
    ):
        importer.check_file(session, actor=admin, kind="people", content=xlsx("people", PEOPLE))


# --- dry run, permissions, progress ----------------------------------------------------------


def test_the_dry_run_checks_every_row_and_writes_nothing(engine, admin):
    before = counts(engine)
    report = run_check(engine, admin, "people", PEOPLE)
    assert (report.rows_read, report.problems, report.created) == (4, [], 0)
    assert counts(engine) == before


@pytest.mark.parametrize("role", [Role.INVENTOR, Role.OFFICER, Role.FINANCE])
def test_only_an_administrator_or_the_director_may_import(engine, role):
    actor = make_actor(engine, role)
    content = xlsx("people", PEOPLE)
    for use_case in (importer.check_file, importer.import_file):
        with (
            pytest.raises(PermissionDenied, match=r"data\.import"),
            unit_of_work(engine) as session,
        ):
            use_case(session, actor=actor, kind="people", content=content)


def test_progress_is_reported_while_checking_and_importing(engine, admin, monkeypatch):
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 2)
    calls = []
    rows = [{"Full name": f"Person {n}", "E-mail": f"p{n}@uni.example"} for n in range(5)]
    run_import(
        engine, admin, "people", rows, progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(2, 10), (4, 10), (5, 10), (7, 10), (9, 10), (10, 10)]


def test_empty_rows_are_skipped_and_row_numbers_stay_those_excel_shows(engine, admin):
    rows = [{"Full name": "A", "E-mail": "a@uni.example"}, {}, {}, {"E-mail": "b@uni.example"}]
    report = run_check(engine, admin, "people", rows)
    assert report.rows_read == 2
    assert report.problems == [Problem(5, "Full name", "Full name is missing; it is required.")]


def test_the_problems_report_downloads_as_a_workbook(engine, admin):
    report = run_check(engine, admin, "people", [{"Full name": "Eve", "E-mail": "x"}])
    sheet = load_workbook(BytesIO(importer.problems_workbook(report))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Row", "Column", "Problem")
    assert rows[1][:2] == (2, "E-mail")
    assert rows[1][2].startswith("The e-mail address is not valid")


def test_an_ended_agreement_is_imported_with_the_day_it_ended(engine, admin):
    import_up_to(engine, admin, "companies")
    ended = AGREEMENTS[0] | {"Status": "terminated", "Ended on": date(2023, 3, 31)}
    no_day = AGREEMENTS[0] | {"Legacy reference": "L-2019-008", "Status": "expired"}
    not_ended = AGREEMENTS[1] | {"Ended on": date(2023, 3, 31)}
    too_early = AGREEMENTS[0] | {
        "Legacy reference": "L-2019-009",
        "Status": "expired",
        "Ended on": date(2019, 12, 31),
    }
    checked = run_check(engine, admin, "agreements", [ended, no_day, not_ended, too_early])
    assert checked.problems == [
        Problem(3, "Ended on", "Give the day the expired agreement ended."),
        Problem(4, "Ended on", "An agreement that is draft has not ended."),
        Problem(5, "Ended on", "An agreement ends after it is signed."),
    ]
    assert run_import(engine, admin, "agreements", [ended]).created == 1
    with unit_of_work(engine) as session:
        agreement = session.exec(select(Agreement)).one()
    assert (agreement.status, agreement.ended_on) == ("terminated", date(2023, 3, 31))
