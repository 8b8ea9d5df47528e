from datetime import timedelta
from io import BytesIO

import openpyxl
import pytest
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import make_actor, make_department, submitted_case
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.disclosures import attachments, casework, queries
from tlo.disclosures.casework import Scorecard
from tlo.disclosures.intake import FundingEntry, PublicDisclosureEntry
from tlo.disclosures.models import Disclosure, DisclosureStatus, FilingDecision
from tlo.disclosures.queries import DisclosureFilters
from tlo.disclosures.workflow import Action
from tlo.errors import InvalidTransition, PermissionDenied, ValidationError

SCORES = {
    "novelty": 5,
    "patentability": 4,
    "market_size": 4,
    "licensing_interest": 3,
    "stage_of_development": 2,
}


def assigned_case(engine, office):
    case_id = submitted_case(engine, office.inventor)
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )
    return case_id


def score(engine, actor, case_id, **extra):
    with unit_of_work(engine) as session:
        return casework.record_evaluation(
            session, actor=actor, disclosure_id=case_id, scorecard=Scorecard(SCORES, {}, **extra)
        )


def test_the_intake_queue_lists_new_cases_oldest_first_with_urgency(engine, office):
    first = submitted_case(
        engine,
        office.inventor,
        funding=[FundingEntry("National Science Foundation", "CCF-1", True, "NSF")],
    )
    second = submitted_case(
        engine,
        office.inventor,
        public_disclosures=[
            PublicDisclosureEntry(TODAY - timedelta(days=10), "talk", "IEEE ISSCC")
        ],
    )
    with unit_of_work(engine) as session:
        queue = queries.intake_queue(session, actor=office.officer)
    assert [row.id for row in queue.items] == [first, second]
    assert queue.items[0].flags == ["Federally funded (Bayh-Dole)"]
    assert queue.items[1].flags[0].startswith("Publicly disclosed")


def test_an_officer_takes_a_case_and_only_the_director_reassigns_it(engine, office):
    case_id = assigned_case(engine, office)
    with (
        pytest.raises(ValidationError, match="the director reassigns"),
        unit_of_work(engine) as session,
    ):
        casework.assign_officer(
            session,
            actor=office.other_officer,
            disclosure_id=case_id,
            officer_person_id=office.other_officer.person_id,
        )
    with (
        pytest.raises(ValidationError, match="reassigning it asks for a reason"),
        unit_of_work(engine) as session,
    ):
        casework.assign_officer(
            session,
            actor=office.director,
            disclosure_id=case_id,
            officer_person_id=office.other_officer.person_id,
        )
    with unit_of_work(engine) as session:
        casework.reassign_officer(
            session,
            actor=office.director,
            disclosure_id=case_id,
            officer_person_id=office.other_officer.person_id,
            reason="Olivia is on leave",
        )
    with unit_of_work(engine) as session:
        view = queries.get_case(session, actor=office.director, disclosure_id=case_id)
    assert view.officer_name == "Marcus Lee"
    assert view.status is DisclosureStatus.ASSIGNED


def test_an_inventor_cannot_triage(engine, office):
    case_id = submitted_case(engine, office.inventor)
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.inventor,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )


def test_scoring_starts_the_evaluation_and_keeps_every_scorecard(engine, office):
    case_id = assigned_case(engine, office)
    first = score(engine, office.officer, case_id, prior_art_notes="US 9,999,999 is close")
    score(engine, office.officer, case_id, recommendation=Action.FILE_PROVISIONAL)
    with unit_of_work(engine) as session:
        view = queries.get_case(session, actor=office.officer, disclosure_id=case_id)
    assert view.status is DisclosureStatus.EVALUATING
    assert first.weighted_score_x100 == 360
    assert len(view.evaluations) == 2
    assert view.evaluations[-1].prior_art_notes == "US 9,999,999 is close"


def test_only_the_assigned_officer_or_the_director_works_a_case(engine, office):
    case_id = assigned_case(engine, office)
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        casework.record_evaluation(
            session,
            actor=office.other_officer,
            disclosure_id=case_id,
            scorecard=Scorecard(SCORES, {}),
        )
    score(engine, office.director, case_id)


def test_a_filing_decision_moves_the_case_and_is_kept_as_history(engine, office):
    case_id = assigned_case(engine, office)
    score(engine, office.officer, case_id)
    review = TODAY + timedelta(days=90)
    with unit_of_work(engine) as session:
        casework.record_filing_decision(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            decision=Action.DEFER,
            rationale="Awaiting data",
            review_on=review,
        )
    with unit_of_work(engine) as session:
        assert session.get(Disclosure, case_id).review_on == review
        casework.record_filing_decision(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            decision=Action.FILE_PROVISIONAL,
            rationale="Data in; strong claims",
        )
    with unit_of_work(engine) as session:
        decisions = session.exec(select(FilingDecision.decision).order_by(FilingDecision.id)).all()
        view = queries.get_case(session, actor=office.inventor, disclosure_id=case_id)
    assert decisions == ["defer", "file_provisional"]
    assert view.status is DisclosureStatus.FILING
    assert view.disclosure.review_on is None
    assert [change.to_status for change in view.timeline] == [
        "submitted",
        "assigned",
        "evaluating",
        "deferred",
        "filing",
    ]


def test_deciding_to_file_before_scoring_is_refused(engine, office):
    case_id = assigned_case(engine, office)
    with pytest.raises(InvalidTransition), unit_of_work(engine) as session:
        casework.record_filing_decision(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            decision=Action.FILE_PCT,
            rationale="Big market",
        )


def test_an_inventor_sees_status_and_timeline_but_not_the_offices_internals(engine, office):
    case_id = assigned_case(engine, office)
    score(engine, office.officer, case_id)
    with unit_of_work(engine) as session:
        casework.add_note(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            text="Call the inventor about the prototype",
        )
    with unit_of_work(engine) as session:
        mine = queries.get_case(session, actor=office.inventor, disclosure_id=case_id)
        theirs = queries.get_case(session, actor=office.officer, disclosure_id=case_id)
    assert mine.evaluations is None and mine.notes is None and mine.history is None
    assert mine.actions == []
    assert [note.text for note in theirs.notes] == ["Call the inventor about the prototype"]
    assert {entry.action for entry in theirs.history} >= {
        "disclosure.submitted",
        "disclosure.evaluated",
        "disclosure.note_added",
    }


def test_my_disclosures_lists_only_the_inventors_own_cases(engine, office):
    bob = make_actor(engine, Role.INVENTOR)
    mine = submitted_case(
        engine, office.inventor, (office.inventor.person_id, "50"), (bob.person_id, "50")
    )
    submitted_case(engine, bob)
    with unit_of_work(engine) as session:
        rows = queries.list_my_disclosures(session, actor=office.inventor).items
        bobs = queries.list_my_disclosures(session, actor=bob).items
        searched = queries.search_disclosures(
            session, actor=office.inventor, filters=DisclosureFilters()
        ).items
    assert [row.id for row in rows] == [mine]
    assert len(bobs) == 2 and bobs[-1].awaiting_my_confirmation  # co-inventor on `mine`
    assert [row.id for row in searched] == [mine]


def test_search_filters_combine_in_sql(engine, office):
    department = make_department(engine)
    with unit_of_work(engine) as session:
        from tlo.people import services as people

        dana = people.create_person(
            session,
            actor=office.director,
            full_name="Dana Scully",
            email="dana@test.example",
            department_id=department,
        )
    match = submitted_case(
        engine,
        office.officer,
        (dana.id, "100"),
        title="CRISPR base editor",
        keywords="gene editing",
    )
    submitted_case(
        engine, office.officer, (office.inventor.person_id, "100"), title="Battery anode"
    )
    with unit_of_work(engine) as session:

        def ids(**filters):
            return [
                row.id
                for row in queries.search_disclosures(
                    session, actor=office.officer, filters=DisclosureFilters(**filters)
                ).items
            ]

        assert ids(text="crispr") == [match]
        assert ids(inventor="scully") == [match]
        assert ids(keyword="gene") == [match]
        assert ids(department_id=department) == [match]
        assert ids(text="crispr", statuses=[DisclosureStatus.ASSIGNED]) == []
        assert len(ids(statuses=[DisclosureStatus.SUBMITTED])) == 2
        assert ids(text="100%_") == []  # wildcards are taken literally


def test_the_export_is_a_formatted_workbook_of_the_filtered_list(engine, office):
    submitted_case(engine, office.inventor, title='=HYPERLINK("evil")')
    with unit_of_work(engine) as session:
        content = queries.export_disclosures(
            session, actor=office.officer, filters=DisclosureFilters()
        )
    sheet = openpyxl.load_workbook(BytesIO(content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["Docket", "Title", "Status"]
    assert sheet["B2"].value == '\'=HYPERLINK("evil")'
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:H")
    assert sheet["E2"].number_format == "yyyy-mm-dd hh:mm"
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        queries.export_disclosures(session, actor=office.inventor, filters=DisclosureFilters())


def test_attachments_are_stored_by_hash_and_come_back_under_their_name(
    engine, office, tmp_path, monkeypatch
):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    case_id = submitted_case(engine, office.inventor)
    pdf = b"%PDF-1.7 test document"
    with unit_of_work(engine) as session:
        attachment = attachments.add_attachment(
            session,
            actor=office.inventor,
            disclosure_id=case_id,
            name="../../etc/My Lab Notes?.pdf",
            content=pdf,
        )
    stored = list((tmp_path / "attachments").rglob("*"))
    assert [p.name for p in stored if p.is_file()] == [attachment.sha256]
    with unit_of_work(engine) as session:
        file = attachments.read_attachment(
            session, actor=office.officer, attachment_id=attachment.id
        )
    assert (file.name, file.content, file.content_type) == (
        "My Lab Notes_.pdf",
        pdf,
        "application/pdf",
    )
    mallory = make_actor(engine, Role.INVENTOR)
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        attachments.read_attachment(session, actor=mallory, attachment_id=attachment.id)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ...", "attach PDF, Word, image or text"),
        ("fake.pdf", b"not a pdf", "is not really a .pdf"),
        ("notes.txt", b"\xff\xfe\x00bad", "not plain UTF-8"),
        ("big.txt", b"x" * (1024 * 1024 + 1), "larger than the limit of 1 MB"),
    ],
)
def test_bad_attachments_are_refused(engine, office, tmp_path, monkeypatch, name, content, message):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TLO_ATTACHMENT_MAX_MB", "1")
    case_id = submitted_case(engine, office.inventor)
    with pytest.raises(ValidationError, match=message), unit_of_work(engine) as session:
        attachments.add_attachment(
            session, actor=office.inventor, disclosure_id=case_id, name=name, content=content
        )
