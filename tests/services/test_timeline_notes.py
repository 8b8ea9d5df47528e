"""The office's rationale on a case's timeline (a filing decision's, a release's) is the
office's: the case's inventors read the steps, who took them and who their officer is, not
why (bug: their view and their Word case summary printed the rationale)."""

from io import BytesIO

from docx import Document

from tests.factories import case_approved_for_filing
from tlo import case_summary
from tlo.db import unit_of_work
from tlo.disclosures import queries

RATIONALE = "Strong"  # what case_approved_for_filing gives the decision


def notes(view) -> list[str]:
    return [change.note for change in view.timeline]


def test_inventors_read_the_steps_but_not_the_offices_rationale(engine, office):
    case_id = case_approved_for_filing(engine, office)
    with unit_of_work(engine) as session:
        theirs = queries.get_case(session, actor=office.inventor, disclosure_id=case_id)
        ours = queries.get_case(session, actor=office.officer, disclosure_id=case_id)
        summary = case_summary.case_summary_docx(
            session, actor=office.inventor, disclosure_id=case_id
        )
    assert RATIONALE in notes(ours)
    assert RATIONALE not in notes(theirs)
    assert len(theirs.timeline) == len(ours.timeline)  # every step, each with who took it
    assert "Assigned to Olivia Ortega" in notes(theirs)
    text = "\n".join(
        cell.text
        for table in Document(BytesIO(summary)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "Assigned to Olivia Ortega" in text and RATIONALE not in text
    with unit_of_work(engine) as session:  # the stored timeline is unchanged
        again = queries.get_case(session, actor=office.officer, disclosure_id=case_id)
    assert notes(again) == notes(ours)
