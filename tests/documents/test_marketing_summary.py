"""The non-confidential marketing summary (issue #16, item 10): no unpublished application's
number, no empty section, and the office named from the settings. Generated through the
service and read back from Word."""

from datetime import date
from io import BytesIO

import pytest
from docx import Document

from tests.factories import make_actor, submitted_case
from tests.services.test_office_settings import MIT_LIKE
from tlo import documents, office_settings
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.disclosures import casework
from tlo.licensing import marketing
from tlo.licensing.marketing import SummaryFields
from tlo.patents import services as patents
from tlo.patents.models import PatentApplication
from tlo.patents.services import ApplicationForm


@pytest.fixture
def office(engine):
    class Office:
        inventor = make_actor(engine, Role.INVENTOR, name="Alice Chen")
        officer = make_actor(engine, Role.OFFICER, name="Olivia Ortega")
        director = make_actor(engine, Role.DIRECTOR, name="Diane Whitfield")

    return Office


def technology(engine, office) -> int:
    case_id = submitted_case(engine, office.inventor, title="Graphene & gold biosensor")
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )
    return case_id


def family(engine, office, case_id) -> dict[str, int]:
    """A provisional, a PCT published with its WO number, a US application published without
    a publication number on record, one pending unpublished, and a granted patent."""
    ids: dict[str, int] = {}
    with unit_of_work(engine) as session:

        def add(name, office_code, kind, filed, number, parent=None):
            ids[name] = patents.add_application(
                session,
                actor=office.officer,
                disclosure_id=case_id,
                form=ApplicationForm(office_code, kind, filed, number, parent_id=ids.get(parent)),
            ).id

        add("provisional", "US", "provisional", date(2024, 3, 2), "63/123,456")
        add("pct", "WO", "pct", date(2025, 3, 1), "PCT/US2025/012345", "provisional")
        add("us", "US", "nonprovisional", date(2025, 3, 1), "19/111,222", "provisional")
        add("ep", "EP", "regional_phase", date(2025, 10, 1), "EP25700001", "pct")
        add("cont", "US", "continuation", date(2026, 5, 4), "19/333,444", "us")
        for name, fields in {
            "pct": dict(
                status="published",
                publication_number="WO 2025/177777",
                publication_date=date(2025, 9, 10),
            ),
            "us": dict(
                status="granted",
                publication_number="US 2025/0266666 A1",
                publication_date=date(2025, 9, 4),
                grant_number="12,345,678",
                grant_date=date(2026, 6, 2),
            ),
            "ep": dict(status="published"),  # published, its number not recorded
        }.items():
            patents.update_application(
                session, actor=office.officer, application_id=ids[name], **fields
            )
    return ids


def summary(engine, office, case_id):
    with unit_of_work(engine) as session:
        content = marketing.summary_docx(session, actor=office.officer, disclosure_id=case_id)
    document = Document(BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables


def test_only_published_or_granted_numbers_are_printed(engine, office):
    case_id = technology(engine, office)
    family(engine, office, case_id)
    paragraphs, tables = summary(engine, office, case_id)
    assert tables == [
        [
            ["Jurisdiction", "Type", "Number", "Status"],
            ["US", "Provisional", "not published", "Pending"],
            ["WO", "PCT", "WO 2025/177777", "Published"],
            ["US", "Non-provisional", "12,345,678", "Granted"],
            ["EP", "Regional phase", "EP25700001", "Published"],
            ["US", "Continuation", "not published", "Pending"],
        ]
    ]
    whole = "\n".join(paragraphs + [c for t in tables for row in t for c in row])
    for secret in ("63/123,456", "19/333,444", "PCT/US2025/012345", "19/111,222"):
        assert secret not in whole  # filed, not (yet) public under that number
    assert "Issued: US 12,345,678; further applications pending." in paragraphs


def test_a_provisional_alone_prints_no_number_at_all(engine, office):
    case_id = technology(engine, office)
    with unit_of_work(engine) as session:
        patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            form=ApplicationForm("US", "provisional", date(2026, 3, 2), "63/999,001"),
        )
    paragraphs, tables = summary(engine, office, case_id)
    assert tables[0][1] == ["US", "Provisional", "not published", "Pending"]
    assert "63/999,001" not in "\n".join(paragraphs)
    assert "Patent pending: US Provisional filed 02 March 2026." in paragraphs


@pytest.mark.parametrize(
    "public",
    [
        pytest.param(dict(application_type="provisional", status="published"), id="provisional"),
        pytest.param(dict(application_type="pct", status="pending"), id="unpublished"),
    ],
)
def test_public_number_never_gives_an_unpublished_applications_number(public):
    application = PatentApplication(
        disclosure_id=1,
        jurisdiction="US",
        filing_date=date(2026, 1, 5),
        application_number="63/1",
        **public,
    )
    assert marketing.public_number(application) is None


def test_an_empty_section_is_left_out_heading_and_all(engine, office):
    case_id = technology(engine, office)
    with unit_of_work(engine) as session:
        marketing.save_summary(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            fields=SummaryFields(
                "A biosensor in five minutes",
                problem="Tests take an hour.",
                solution="Graphene & gold.",
                advantages="   ",
                applications="",
                stage="Prototype",
            ),
        )
    with unit_of_work(engine) as session:
        content = marketing.summary_docx(session, actor=office.officer, disclosure_id=case_id)
    headings = [
        p.text for p in Document(BytesIO(content)).paragraphs if p.style.name == "Heading 2"
    ]
    assert headings == [
        "The problem",
        "The solution",
        "Stage of development",
        "Intellectual property",
        "Inventors",
        "Contact",
    ]
    paragraphs, tables = summary(engine, office, case_id)
    assert "Graphene & gold." in paragraphs and "Prototype" in paragraphs
    assert tables == []  # no application yet: no table of them either
    assert "Unpatented: available for licensing as know-how and materials." in paragraphs
    assert "" not in paragraphs[: paragraphs.index("Intellectual property")]  # no blank left


def test_the_summary_names_the_office_and_university_from_the_settings(engine, office):
    with unit_of_work(engine) as session:
        office_settings.save_settings(session, actor=office.director, form=MIT_LIKE)
    case_id = technology(engine, office)
    paragraphs, _ = summary(engine, office, case_id)
    assert paragraphs[0] == "Technology Licensing Office · Technology available for licensing"
    assert "Technology Licensing Office, Massachusetts Institute of Technology" in paragraphs
    assert (
        "255 Main Street, Room NE18-501, Cambridge, MA 02142 · tlo@university.example · "
        "+1 (617) 555-0199 ext 12"
    ) in paragraphs
    assert "Olivia Ortega · " in "\n".join(paragraphs)


def test_the_shipped_template_drops_each_empty_section_of_its_sample():
    context = documents.sample_context("marketing_summary")
    for key in ("problem", "solution", "advantages", "applications", "stage"):
        content = documents.render("marketing_summary", context | {key: ""})
        paragraphs = [p.text for p in Document(BytesIO(content)).paragraphs]
        kept = documents.render("marketing_summary", context)
        assert len(paragraphs) == len(Document(BytesIO(kept)).paragraphs) - 2, key
        assert context[key] not in paragraphs
