"""The clause library (issue #21): standard clauses kept once, each change a new audited
version that the next draft of every agreement prints, and each draft recording the clause
versions it printed and the terms it was generated with."""

import json
from datetime import timedelta
from io import BytesIO

import pytest
from docx import Document
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import case_approved_for_filing
from tests.services.test_agreements import exclusive_form, filed_technology, licensee, save
from tlo import audit
from tlo.db import unit_of_work
from tlo.disclosures.intake import FundingEntry
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.licensing import clauses, drafts
from tlo.licensing.clauses import ClauseVersion, DraftClause, DraftTerms
from tlo.patents import services as patents
from tlo.patents.services import ApplicationForm

EXPORT = clauses.shipped_clauses()["export_control"]


@pytest.fixture(autouse=True)
def _drafts_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))


def an_exclusive_license(engine, office, *, federal=False) -> int:
    """An exclusive license of a filed technology, federally funded (NIH) or not."""
    funding = [FundingEntry("NIH", "R01-7", True, "NIH")] if federal else []
    case_id = case_approved_for_filing(engine, office, funding=funding)
    with unit_of_work(engine) as session:
        application_id = patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            form=ApplicationForm(
                "US",
                "provisional",
                TODAY - timedelta(days=90),
                "63/7",
                government_support_clause=federal,
            ),
        ).id
    form = exclusive_form(licensee(engine, office), [case_id], patent_ids=[application_id])
    return save(engine, office.officer, form)


def generate(engine, office, agreement_id):
    with unit_of_work(engine) as session:
        draft = drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
        content = drafts.read_draft(session, actor=office.officer, draft_id=draft.id)
    return draft, "\n".join(p.text for p in Document(BytesIO(content)).paragraphs)


def test_version_1_of_every_clause_is_the_shipped_text_and_no_row(engine, office):
    with unit_of_work(engine) as session:
        library = clauses.current_clauses(session)
        summaries = clauses.library(session, actor=office.director)
        # a database just migrated holds no rows of its own: a backup restores into it
        assert session.exec(select(ClauseVersion)).all() == []
        history = clauses.versions(session, actor=office.director, key="export_control")
    shipped = clauses.shipped_clauses()
    assert set(library) == set(shipped)
    assert [(v.version, v.id, v.created_by_name) for v in history] == [
        (1, None, "shipped with tlo")
    ]
    for key, clause in library.items():
        assert clause.id is None  # the file, not a row
        assert (clause.version, clause.heading, clause.text) == (
            1,
            shipped[key].heading,
            shipped[key].text,
        )
    export = next(s for s in summaries if s.key == "export_control")
    assert export.changed_by == "shipped with tlo" and export.current_version == 1
    assert "cda" in export.used_by and "exclusive_license" in export.used_by


def test_counsel_saves_a_new_version_that_the_next_draft_prints_and_the_old_one_keeps(
    engine, office
):
    agreement_id = an_exclusive_license(engine, office)
    first, first_text = generate(engine, office, agreement_id)
    new_text = (
        EXPORT.text + "\n\n{{ licensee_role }} shall screen every customer of {{ licensee }}."
    )
    with unit_of_work(engine) as session:
        saved = clauses.save_version(
            session,
            actor=office.director,
            key="export_control",
            heading="Export Control and Sanctions",
            text=new_text,
            note="Customer screening",
        )
    assert saved.version == 2
    second, second_text = generate(engine, office, agreement_id)
    assert "Export Control and Sanctions" in second_text
    assert "Licensee shall screen every customer of VoltCell & Sons Inc." in second_text
    assert "Export Control and Sanctions" not in first_text
    with unit_of_work(engine) as session:
        used = {
            (row.draft_id, row.clause_key): row.version
            for row in session.exec(select(DraftClause)).all()
        }
        versions = clauses.versions(session, actor=office.director, key="export_control")
        entry = audit.entries_for(session, object_type="clause", object_id="export_control")[0]
    assert used[(first.id, "export_control")] == 1
    assert used[(second.id, "export_control")] == 2
    assert {key for draft_id, key in used if draft_id == second.id} == set(
        clauses.TEMPLATE_CLAUSES["exclusive_license"]
    )
    assert [v.version for v in versions] == [2, 1]
    assert versions[0].created_by_name == "Diane Whitfield" and versions[0].note == (
        "Customer screening"
    )
    assert entry.action == "clause.version_saved"
    assert entry.before["version"] == 1 and entry.after["version"] == 2


def test_a_draft_keeps_its_terms_and_leaves_federal_clauses_empty_without_funding(engine, office):
    agreement_id = an_exclusive_license(engine, office)
    draft, text = generate(engine, office, agreement_id)
    with unit_of_work(engine) as session:
        terms = json.loads(session.get(DraftTerms, draft.id).terms_json)
        march_in = session.exec(
            select(DraftClause).where(
                DraftClause.draft_id == draft.id, DraftClause.clause_key == "march_in"
            )
        ).one()
    assert terms["upfront_fee"] == "$50,000.00" and terms["federal"] is False
    assert "version" not in terms and "clauses" not in terms and "prepared_on" not in terms
    assert march_in.text == "" and "March-in Rights" not in text
    assert "federal funding" not in text.lower()


def test_a_federally_funded_license_prints_march_in_rights_and_utilization_reports(engine, office):
    agreement_id = an_exclusive_license(engine, office, federal=True)
    draft, text = generate(engine, office, agreement_id)
    assert "2.4 March-in Rights. The rights granted under this Agreement" in text
    assert "12.4 Utilization Reports. Each year by 31 October" in text
    assert "(NIH award R01-7)" in text
    with unit_of_work(engine) as session:
        march_in = session.exec(
            select(DraftClause).where(
                DraftClause.draft_id == draft.id, DraftClause.clause_key == "march_in"
            )
        ).one()
    assert "35 U.S.C. § 203" in march_in.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"text": "{{ licensee_shoe_size }} shall comply."},
            "Unknown placeholder: licensee_shoe_size",
        ),
        ({"text": "{%p if federal %}Text{%p endif %}"}, "Word-template tag"),
        ({"text": "{% if federal %}Open"}, "malformed"),
        ({"text": "{{ clauses.notices.heading }}"}, "Unknown placeholder: clauses"),
        (
            {"text": "{% for i in range(999) %}{% for j in range(999) %}x{% endfor %}{% endfor %}"},
            "",
        ),
        ({"text": "A\x07bell"}, r"U\+0007"),
        ({"text": "x" * 20_001}, "at most 20,000"),
        ({"text": "   "}, "needs its text"),
        ({"heading": ""}, "Give the clause a heading"),
        ({"heading": "Export {{ licensee }}"}, "cannot hold placeholders"),
        ({"heading": "Two\nlines"}, r"U\+000A"),
        ({"heading": 42}, "must be text"),
        ({"note": "n" * 501}, "at most 500"),
        ({}, "version 1 already"),
    ],
)
def test_a_clause_that_would_not_print_well_is_refused_with_a_reason(
    engine, office, changes, message
):
    fields = {"heading": EXPORT.heading, "text": EXPORT.text, "note": ""} | changes
    with pytest.raises(ValidationError, match=message), unit_of_work(engine) as session:
        clauses.save_version(session, actor=office.director, key="export_control", **fields)
    with unit_of_work(engine) as session:
        assert clauses.current_clauses(session)["export_control"].version == 1


def test_only_staff_who_manage_templates_change_clauses_and_only_known_ones(engine, office):
    for actor in (office.officer, office.finance, office.inventor):
        with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
            clauses.save_version(session, actor=actor, key="export_control", heading="X", text="Y")
        with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
            clauses.library(session, actor=actor)
    for key in ("no_such_clause", "Export_Control", "", None, 7):
        with pytest.raises(NotFound), unit_of_work(engine) as session:
            clauses.save_version(session, actor=office.director, key=key, heading="X", text="Y")
    with unit_of_work(engine) as session:
        assert session.exec(select(ClauseVersion).where(ClauseVersion.version > 1)).all() == []


def test_a_clause_whose_text_cannot_be_filled_in_stops_the_draft_with_a_way_out(engine, office):
    agreement_id = an_exclusive_license(engine, office)
    with unit_of_work(engine) as session:  # e.g. stored before a placeholder was renamed
        session.add(
            ClauseVersion(
                key="notices",
                version=2,
                heading="Notices",
                text="Notices go to {{ notice_address }}.",
                created_by_name="an older tlo",
            )
        )
    with pytest.raises(ValidationError, match=r"Notices.*version 2.*Clause library page"):
        generate(engine, office, agreement_id)


def test_the_option_names_only_the_license_terms_there_are(engine, office):
    case_id, application_id = filed_technology(engine, office)
    company_id = licensee(engine, office)

    def sentence(**terms):
        form = exclusive_form(
            company_id, [case_id], patent_ids=[application_id], agreement_type="option", **terms
        )
        agreement_id = save(engine, office.officer, form)
        with unit_of_work(engine) as session:
            context = drafts.draft_context(
                session, actor=office.officer, agreement_id=agreement_id, version=1
            )
        return context["proposed_license_terms"]

    assert sentence() == (
        "The license University proposes would carry annual license maintenance fees of "
        "$10,000.00 on the 1st anniversary; $15,000.00 on the 2nd and each later anniversary "
        "and running royalties of 3 % of Net Sales (Net sales of licensed products), with a "
        "license issue fee to be agreed."
    )
    assert sentence(annual_fees=[], royalty_rates=[]) == (
        "The fees and royalties of that license are to be agreed in its negotiation."
    )
    only_royalties = sentence(annual_fees=[])
    assert "maintenance" not in only_royalties and "running royalties of 3 %" in only_royalties
