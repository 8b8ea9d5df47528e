"""The documents say who the parties are (issue #16, item 10): the university and its office
from the office settings, the licensee by its legal description and signed for by the contact
the agreement names. Every draft is generated through the services and read back from Word."""

from dataclasses import replace
from io import BytesIO

import pytest
from docx import Document

from tests.factories import make_actor
from tests.services.test_agreements import exclusive_form, filed_technology, save
from tests.services.test_office_settings import MIT_LIKE
from tlo import audit, documents, office_settings, word_templates
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.errors import PermissionDenied, ValidationError
from tlo.licensing import agreements, drafts, outreach
from tlo.licensing.outreach import CompanyForm


@pytest.fixture
def office(engine):
    class Office:
        inventor = make_actor(engine, Role.INVENTOR, name="Alice Chen")
        officer = make_actor(engine, Role.OFFICER, name="Olivia Ortega")
        director = make_actor(engine, Role.DIRECTOR, name="Diane Whitfield")
        finance = make_actor(engine, Role.FINANCE, name="Fiona Nakamura")

    return Office


@pytest.fixture(autouse=True)
def _drafts_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))


def harborbio(engine, office, *, kind="corporation", place="Delaware", name="HarborBio Inc."):
    """A small company with two contacts; returns its id and its contacts' ids by name."""
    with unit_of_work(engine) as session:
        company = outreach.save_company(
            session,
            actor=office.officer,
            form=CompanyForm(name=name, size="small", entity_kind=kind, jurisdiction=place),
        )
        contacts = {
            contact_name: outreach.add_contact(
                session,
                actor=office.officer,
                company_id=company.id,
                name=contact_name,
                title=title,
            ).id
            for contact_name, title in [("Ana Ortiz", "Chief Executive Officer"), ("Bo Li", "")]
        }
    return company.id, contacts


def draft_text(engine, office, agreement_id) -> list[str]:
    """The paragraphs of a new draft of the agreement, as Word shows them."""
    with unit_of_work(engine) as session:
        draft = drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
    with unit_of_work(engine) as session:
        content = drafts.read_draft(session, actor=office.officer, draft_id=draft.id)
    return [p.text for p in Document(BytesIO(content)).paragraphs]


def paragraph(paragraphs: list[str], start: str) -> str:
    found = [p for p in paragraphs if p.startswith(start)]
    assert len(found) == 1, (start, found)
    return found[0]


def signature_lines(paragraphs: list[str]) -> list[str]:
    return [p for p in paragraphs if p.startswith("By: ")]


def test_a_license_names_the_settings_university_and_the_licensee_by_its_legal_form(engine, office):
    with unit_of_work(engine) as session:
        office_settings.save_settings(session, actor=office.director, form=MIT_LIKE)
    case_id, application_id = filed_technology(engine, office)
    company_id, contacts = harborbio(engine, office)
    agreement_id = save(
        engine,
        office.officer,
        exclusive_form(
            company_id,
            [case_id],
            patent_ids=[application_id],
            licensee_signatory_contact_id=contacts["Ana Ortiz"],
        ),
    )
    text = draft_text(engine, office, agreement_id)
    assert paragraph(text, "This Exclusive License Agreement").endswith(
        "by and between Massachusetts Institute of Technology, a not-for-profit corporation of "
        "the Commonwealth of Massachusetts, having its principal office at 77 Massachusetts "
        'Avenue, Cambridge, MA 02139 ("University"), and HarborBio Inc., a Delaware '
        'corporation ("Licensee").'
    )
    whole = "\n".join(text)
    assert "small company" not in whole and "a small" not in whole  # its size is no legal form
    assert "Board of Trustees" not in whole and "California" not in whole
    assert paragraph(text, "21.1 ") == (
        "21.1 This Agreement is governed by the laws of the Commonwealth of Massachusetts, "
        "without regard to its conflict-of-laws rules."
    )
    # The notices come from the clause library, filled in with the parties' records.
    assert text[text.index("22. Notices") + 2] == (
        "22.2 Notices to University: Technology Licensing Office, Massachusetts Institute of "
        "Technology, 255 Main Street, Room NE18-501, Cambridge, MA 02142, attention Olivia "
        "Ortega; e-mail tlo@university.example, telephone +1 (617) 555-0199 ext 12."
    )
    assert paragraph(text, "22.3 ") == (
        "22.3 Notices to Licensee: HarborBio Inc., [Licensee's address for notices], "
        "attention Ana Ortiz."
    )
    assert signature_lines(text) == [
        "By: ______________________   Name: Lesley Millar   "
        "Title: Director, Technology Licensing Office   Date: ________",
        "By: ______________________   Name: Ana Ortiz   "
        "Title: Chief Executive Officer   Date: ________",
    ]
    assert text[text.index("Signatures") + 1] == "Massachusetts Institute of Technology"
    assert text[text.index("Signatures") + 3] == "HarborBio Inc."
    # Once the company's address for notices is given (upkeep, no reason asked), the next
    # draft prints it on one line instead of the placeholder.
    with unit_of_work(engine) as session:
        outreach.save_company(
            session,
            actor=office.officer,
            company_id=company_id,
            form=CompanyForm(
                name="HarborBio Inc.",
                size="small",
                entity_kind="corporation",
                jurisdiction="Delaware",
                notice_address="1 Harbor Way, Suite 200\nBoston, MA 02110\n",
            ),
        )
    again = draft_text(engine, office, agreement_id)
    assert paragraph(again, "22.3 ") == (
        "22.3 Notices to Licensee: HarborBio Inc., 1 Harbor Way, Suite 200, Boston, MA 02110, "
        "attention Ana Ortiz."
    )


@pytest.mark.parametrize(
    ("agreement_type", "role", "law_clause"),
    [
        ("exclusive_license", "Licensee", "21.1"),
        ("nonexclusive_license", "Licensee", "21.1"),
        ("startup_license", "Licensee", "22.1"),
        ("option", "Optionee", "17.1"),
        ("cda", "Recipient", "9.1"),
    ],
)
def test_every_agreement_template_prints_the_parties_from_the_settings(
    engine, office, agreement_type, role, law_clause
):
    with unit_of_work(engine) as session:
        office_settings.save_settings(session, actor=office.director, form=MIT_LIKE)
    case_id, application_id = filed_technology(engine, office)
    company_id, contacts = harborbio(
        engine, office, kind="limited liability company", place="Germany", name="Nordlicht GmbH"
    )
    agreement_id = save(
        engine,
        office.officer,
        exclusive_form(
            company_id,
            [case_id],
            agreement_type=agreement_type,
            patent_ids=[] if agreement_type == "cda" else [application_id],
            licensee_signatory_contact_id=contacts["Bo Li"],  # a contact without a title
        ),
    )
    text = draft_text(engine, office, agreement_id)
    opening = text[2]
    assert "Massachusetts Institute of Technology, a not-for-profit corporation" in opening
    assert opening.endswith(
        "and Nordlicht GmbH, a limited liability company organized under the laws of "
        f'Germany ("{role}").'
    )
    assert "the laws of the Commonwealth of Massachusetts" in paragraph(text, law_clause + " ")
    notices = f"Notices to {role}: Nordlicht GmbH, [Licensee's address for notices], attention Bo"
    assert notices in "\n".join(text)
    assert signature_lines(text)[1] == (
        "By: ______________________   Name: Bo Li   Title: ______________   Date: ________"
    )
    assert "California" not in "\n".join(text)


def test_a_fresh_office_drafts_with_placeholders_to_fill_in_and_blank_signature_lines(
    engine, office
):
    case_id, application_id = filed_technology(engine, office)
    company_id, _ = harborbio(engine, office, kind="", place="")  # its legal form not known
    agreement_id = save(
        engine, office.officer, exclusive_form(company_id, [case_id], patent_ids=[application_id])
    )
    text = draft_text(engine, office, agreement_id)
    assert text[2].endswith(
        "by and between [University's legal name], having its principal office at "
        '[University\'s address] ("University"), and HarborBio Inc., [kind of entity, '
        'organized under the laws of ...] ("Licensee").'
    )
    assert "the laws of [the State of ...]" in paragraph(text, "21.1 ")
    assert signature_lines(text) == [
        "By: ______________________   Name: [Name of the University's signatory]   "
        "Title: [Title of the University's signatory]   Date: ________",
        "By: ______________________   Name: ____________________   "
        "Title: ______________   Date: ________",
    ]


def test_a_draft_kept_before_the_settings_changed_keeps_the_parties_it_named(engine, office):
    with unit_of_work(engine) as session:
        office_settings.save_settings(session, actor=office.director, form=MIT_LIKE)
    case_id, application_id = filed_technology(engine, office)
    company_id, _ = harborbio(engine, office)
    agreement_id = save(
        engine, office.officer, exclusive_form(company_id, [case_id], patent_ids=[application_id])
    )
    first = draft_text(engine, office, agreement_id)
    with unit_of_work(engine) as session:
        office_settings.save_settings(
            session, actor=office.director, form=replace(MIT_LIKE, signatory_name="Ian Waitz")
        )
    second = draft_text(engine, office, agreement_id)
    with unit_of_work(engine) as session:
        kept = drafts.list_drafts(session, actor=office.officer, agreement_id=agreement_id)[-1]
        content = drafts.read_draft(session, actor=office.officer, draft_id=kept.id)
    again = [p.text for p in Document(BytesIO(content)).paragraphs]
    assert "Name: Lesley Millar" in signature_lines(first)[0]
    assert "Name: Ian Waitz" in signature_lines(second)[0]
    assert again == first  # version 1 is the file it was, not regenerated


def test_the_signatory_is_one_of_the_licensees_contacts_and_its_choice_is_audited(engine, office):
    case_id, application_id = filed_technology(engine, office)
    company_id, contacts = harborbio(engine, office)
    other_id, others = harborbio(engine, office, name="Acme Robotics Inc.")
    form = exclusive_form(company_id, [case_id], patent_ids=[application_id])
    with (
        pytest.raises(
            ValidationError,
            match=r"Ana Ortiz is a contact of Acme Robotics Inc\., not of the licensee HarborBio",
        ),
        unit_of_work(engine) as session,
    ):
        agreements.save_agreement(
            session,
            actor=office.officer,
            form=replace(form, licensee_signatory_contact_id=others["Ana Ortiz"]),
        )
    for wrong in (10**6, -1, "3", True):
        with (
            pytest.raises(ValidationError, match="from the licensee's contacts"),
            unit_of_work(engine) as session,
        ):
            wrong_form = replace(form, licensee_signatory_contact_id=wrong)
            agreements.save_agreement(session, actor=office.officer, form=wrong_form)
    agreement_id = save(engine, office.officer, form)
    save(
        engine,
        office.officer,
        replace(form, licensee_signatory_contact_id=contacts["Ana Ortiz"]),
        agreement_id,
    )
    with unit_of_work(engine) as session:
        view = agreements.get_agreement(session, actor=office.finance, agreement_id=agreement_id)
        choices = agreements.signatory_choices(session, actor=office.finance, company_id=other_id)
        entry = audit.entries_for(session, object_type="agreement", object_id=agreement_id)[0]
    assert view.licensee_signatory.name == "Ana Ortiz"
    assert [c.id for c in choices] == [others["Ana Ortiz"], others["Bo Li"]]  # by name
    assert entry.before["licensee_signatory_contact_id"] is None
    assert entry.after["licensee_signatory_contact_id"] == contacts["Ana Ortiz"]
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        agreements.signatory_choices(session, actor=office.inventor, company_id=company_id)


def test_a_template_uploaded_before_the_parties_were_settings_still_renders(engine, office):
    """An office's own version may still print the size: it keeps working (and can be
    changed at leisure), rather than every draft failing after the upgrade."""
    shipped = Document(documents.template_path("exclusive_license"))
    for p in shipped.paragraphs:
        if "{{ licensee_party }}" in p.text:
            p.runs[0].text = p.text.replace(
                "{{ licensee_party }}", "{{ licensee }}, a {{ licensee_size }}"
            )
    buffer = BytesIO()
    shipped.save(buffer)
    with unit_of_work(engine) as session:
        word_templates.upload_version(
            session, actor=office.director, name="exclusive_license", content=buffer.getvalue()
        )
    case_id, application_id = filed_technology(engine, office)
    company_id, _ = harborbio(engine, office)
    agreement_id = save(
        engine, office.officer, exclusive_form(company_id, [case_id], patent_ids=[application_id])
    )
    assert (
        'and HarborBio Inc., a small company ("Licensee")'
        in draft_text(engine, office, agreement_id)[2]
    )
