"""Comparing two drafts of an agreement (issue #21): the terms that changed, the clauses that
changed (a new library version, or other data filled in), and a Word changes document that
shows the changed clauses as Word's own tracked changes."""

from dataclasses import replace
from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlmodel import select

from tests.services.test_agreements import exclusive_form, filed_technology, licensee, save
from tlo.db import unit_of_work
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.licensing import clauses, draft_compare, drafts
from tlo.licensing.agreement_models import AgreementDraft
from tlo.licensing.clauses import DraftTerms
from tlo.licensing.draft_compare import paragraph_changes, term_changes, word_changes


@pytest.fixture(autouse=True)
def _drafts_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))


def test_word_changes_keep_what_stayed_and_mark_what_went_and_came():
    assert word_changes("pay within thirty days", "pay within forty-five days") == [
        ("same", "pay within "),
        ("deleted", "thirty"),
        ("inserted", "forty-five"),
        ("same", " days"),
    ]
    assert paragraph_changes("One.\nTwo.", "One.\nTwo.\nThree.") == [
        [("same", "One.")],
        [("same", "Two.")],
        [("inserted", "Three.")],
    ]
    assert paragraph_changes("Gone.", "") == [[("deleted", "Gone.")]]


def test_term_changes_name_the_terms_in_the_agreements_order_lists_included():
    before = {
        "upfront_fee": "$50,000.00",
        "federal": False,
        "milestones": [{"event": "First sale", "amount": "$1.00", "due": "1 May 2028"}],
        "territory": "Worldwide",
    }
    after = before | {
        "upfront_fee": "$60,000.00",
        "federal": True,
        "milestones": [],
        "brand_new": "x",
    }
    assert [(c.label, c.before, c.after) for c in term_changes(before, after)] == [
        ("Federally funded", "no", "yes"),
        ("Upfront fee", "$50,000.00", "$60,000.00"),
        ("Milestones", "First sale: $1.00, due 1 May 2028", "—"),
        ("Brand new", "—", "x"),
    ]


def an_agreement_with_two_drafts(engine, office, *, change_clause=True):
    """A license drafted, its fee and a clause changed, drafted again; returns its id."""
    case_id, application_id = filed_technology(engine, office)
    form = exclusive_form(licensee(engine, office), [case_id], patent_ids=[application_id])
    agreement_id = save(engine, office.officer, form)
    with unit_of_work(engine) as session:
        drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
    save(engine, office.officer, replace(form, upfront_fee="60,000"), agreement_id)
    if change_clause:
        export = clauses.shipped_clauses()["export_control"]
        with unit_of_work(engine) as session:
            clauses.save_version(
                session,
                actor=office.director,
                key="export_control",
                heading=export.heading,
                text=export.text.replace("at its own expense", "at its own cost and risk"),
            )
    with unit_of_work(engine) as session:
        drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
    return agreement_id


def test_two_drafts_compare_by_their_terms_and_their_clauses(engine, office):
    agreement_id = an_agreement_with_two_drafts(engine, office)
    with unit_of_work(engine) as session:
        comparison = draft_compare.compare_drafts(
            session,
            actor=office.finance,
            agreement_id=agreement_id,
            older_version=1,
            newer_version=2,
        )
    assert [(t.label, t.before, t.after) for t in comparison.terms] == [
        ("Upfront fee", "$50,000.00", "$60,000.00")
    ]
    assert [(c.key, c.what) for c in comparison.clauses] == [
        ("export_control", "library version 1 → 2")
    ]
    (change,) = comparison.clauses
    assert "at its own expense" in change.before_text
    assert "at its own cost and risk" in change.after_text
    assert not comparison.template_changed and not comparison.unchanged


def test_the_same_clause_filled_in_with_other_data_counts_as_changed(engine, office):
    case_id, application_id = filed_technology(engine, office)
    company_id = licensee(engine, office)
    form = exclusive_form(company_id, [case_id], patent_ids=[application_id])
    agreement_id = save(engine, office.officer, form)
    for _ in range(2):
        with unit_of_work(engine) as session:
            drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
    with unit_of_work(engine) as session:
        same = draft_compare.compare_drafts(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            older_version=1,
            newer_version=2,
        )
    assert same.unchanged and same.terms == [] and same.clauses == []
    # A third draft for an option (Optionee) fills the same clause versions in differently.
    save(engine, office.officer, replace(form, agreement_type="option"), agreement_id)
    with unit_of_work(engine) as session:
        drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
        other = draft_compare.compare_drafts(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            older_version=2,
            newer_version=3,
        )
    assert other.template_changed
    assert ("licensee_role", "Licensee", "Optionee") in [
        (t.key, t.before, t.after) for t in other.terms
    ]
    whats = {c.key: c.what for c in other.clauses}
    assert whats["export_control"] == "library version 1, filled in with other data"
    assert whats["enforcement"].startswith("left out")


def test_the_changes_document_lists_the_terms_and_redlines_the_clauses(engine, office):
    agreement_id = an_agreement_with_two_drafts(engine, office)
    with unit_of_work(engine) as session:
        content = draft_compare.changes_document(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            older_version=1,
            newer_version=2,
        )
    document = Document(BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0].endswith("changes from draft 1 to draft 2")
    assert "Export Control (library version 1 → 2)" in texts
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows == [["Term", "Draft 1", "Draft 2"], ["Upfront fee", "$50,000.00", "$60,000.00"]]
    body = document.element.body
    deleted = ["".join(t.text for t in d.iter(qn("w:delText"))) for d in body.iter(qn("w:del"))]
    inserted = ["".join(t.text for t in i.iter(qn("w:t"))) for i in body.iter(qn("w:ins"))]
    assert "expense" in " ".join(deleted) and "cost and risk" in " ".join(inserted)
    marks = [*body.iter(qn("w:del")), *body.iter(qn("w:ins"))]
    assert len({m.get(qn("w:id")) for m in marks}) == len(marks)  # Word needs unique ids
    assert {m.get(qn("w:author")) for m in marks} == {"Olivia Ortega"}


def test_drafts_made_before_terms_were_kept_compare_by_file_only(engine, office):
    agreement_id = an_agreement_with_two_drafts(engine, office, change_clause=False)
    with unit_of_work(engine) as session:
        first = session.exec(
            select(AgreementDraft).where(
                AgreementDraft.agreement_id == agreement_id, AgreementDraft.version == 1
            )
        ).one()
        session.delete(session.get(DraftTerms, first.id))
    with unit_of_work(engine) as session:
        comparison = draft_compare.compare_drafts(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            older_version=1,
            newer_version=2,
        )
        content = draft_compare.changes_document(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            older_version=1,
            newer_version=2,
        )
    assert not comparison.recorded and not comparison.unchanged
    text = "\n".join(p.text for p in Document(BytesIO(content)).paragraphs)
    assert "compare the two Word files themselves" in text


def test_a_comparison_needs_two_existing_drafts_and_a_reader_of_the_agreement(engine, office):
    agreement_id = an_agreement_with_two_drafts(engine, office, change_clause=False)
    for older, newer, error, message in [
        (1, 1, ValidationError, "two different drafts"),
        (1, 9, NotFound, "no draft version 9"),
        ("1", 2, ValidationError, "version numbers"),
        (True, 2, ValidationError, "version numbers"),
    ]:
        with pytest.raises(error, match=message), unit_of_work(engine) as session:
            draft_compare.compare_drafts(
                session,
                actor=office.officer,
                agreement_id=agreement_id,
                older_version=older,
                newer_version=newer,
            )
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        draft_compare.compare_drafts(
            session,
            actor=office.inventor,
            agreement_id=agreement_id,
            older_version=1,
            newer_version=2,
        )
