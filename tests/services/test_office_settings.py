"""The office settings: who the documents say the parties are (issue #16, item 10)."""

from dataclasses import replace

import pytest
from sqlmodel import func, select

from tests.factories import make_actor
from tlo import audit, office_settings
from tlo.audit import AuditFilters
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.errors import PermissionDenied, ValidationError
from tlo.office_settings import DEMO, PLACEHOLDERS, OfficeSettings, SettingsForm

MIT_LIKE = SettingsForm(
    university_name="Massachusetts Institute of Technology",
    university_legal_name="Massachusetts Institute of Technology",
    university_legal_description=(
        "a not-for-profit corporation of the Commonwealth of Massachusetts"
    ),
    university_address="77 Massachusetts Avenue\n\n  Cambridge, MA 02139  \n",
    governing_law="the Commonwealth of Massachusetts",
    signatory_name="Lesley Millar",
    signatory_title="Director, Technology Licensing Office",
    office_name="Technology Licensing Office",
    office_address="255 Main Street, Room NE18-501\nCambridge, MA 02142",
    office_email="TLO@University.Example",
    office_phone="+1 (617) 555-0199 ext 12",
)


def save(engine, actor, form=MIT_LIKE):
    with unit_of_work(engine) as session:
        return office_settings.save_settings(session, actor=actor, form=form)


def test_a_fresh_office_names_bracketed_placeholders_not_a_real_university(engine, office):
    with unit_of_work(engine) as session:
        parties = office_settings.current(session, actor=office.officer)
    assert parties.placeholders
    assert parties.university_legal_name == "[University's legal name]"
    assert parties.agreement_context()["university_signatory_name"].startswith("[")
    values = [v for v in vars(PLACEHOLDERS).values() if v]
    assert all(v.startswith("[") and v.endswith("]") for v in values)  # none passes for real


def test_the_director_saves_the_parties_and_documents_read_them_back_cleaned(engine, office):
    save(engine, office.director)
    with unit_of_work(engine) as session:
        parties = office_settings.current(session, actor=office.finance)
    assert not parties.placeholders
    assert parties.university_address == "77 Massachusetts Avenue\nCambridge, MA 02139"
    assert parties.office_email == "tlo@university.example"
    context = parties.agreement_context()
    assert context["university_party"] == (
        "Massachusetts Institute of Technology, a not-for-profit corporation of the "
        "Commonwealth of Massachusetts"
    )
    assert context["university_address"] == "77 Massachusetts Avenue, Cambridge, MA 02139"
    assert context["office_address"] == "255 Main Street, Room NE18-501, Cambridge, MA 02142"
    assert context["governing_law"] == "the Commonwealth of Massachusetts"


def test_the_settings_are_one_row_changed_as_a_whole_and_every_change_is_audited(engine, office):
    admin = make_actor(engine, Role.ADMIN, name="Adam Kowalski")
    save(engine, office.director)
    save(engine, admin, replace(MIT_LIKE, signatory_name="Ian Waitz", office_phone=""))
    with unit_of_work(engine) as session:
        rows = session.exec(select(func.count()).select_from(OfficeSettings)).one()
        view = office_settings.settings_view(session, actor=admin)
        page = audit.list_entries(
            session, actor=admin, filters=AuditFilters(object_type="office_settings")
        )
    assert rows == 1
    assert view.updated_by_name == "Adam Kowalski" and view.parties.signatory_name == "Ian Waitz"
    assert view.parties.office_phone == ""
    latest, first = page.items
    assert latest.sentence == (
        "Adam Kowalski changed the office settings (the parties every document names)"
    )
    assert latest.before["signatory_name"] == "Lesley Millar"
    assert latest.after["signatory_name"] == "Ian Waitz"
    assert first.before is None and first.actor_name == "Diane Whitfield"


def test_only_the_administrator_and_the_director_change_them_and_staff_read_them(engine, office):
    for clerk in (office.officer, office.finance, office.inventor):
        with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
            office_settings.save_settings(session, actor=clerk, form=MIT_LIKE)
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        office_settings.current(session, actor=office.inventor)
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        office_settings.settings_view(session, actor=office.officer)
    with unit_of_work(engine) as session:
        assert office_settings.parties(session).placeholders  # nothing was written


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"university_legal_name": "  "}, "Give the university's legal name."),
        ({"signatory_title": ""}, "Give the title of the university's signatory."),
        ({"office_email": "tlo-at-mit"}, "office's e-mail address is not valid"),
        ({"office_phone": "call us"}, "not a number to dial"),
        ({"office_phone": "12"}, "not a number to dial"),
        ({"governing_law": "[the State of ...]"}, "still the placeholder"),
        ({"signatory_name": "Lesley\nMillar"}, "is one line"),
        ({"office_name": "Office\x00"}, "control character"),
        ({"university_legal_name": "M" * 301}, "at most 300 are kept"),
        ({"office_address": None}, "Give the office's address."),
        ({"university_name": 42}, "must be text"),
    ],
)
def test_a_setting_that_a_document_cannot_print_is_refused_by_name(engine, office, change, message):
    with pytest.raises(ValidationError, match=message), unit_of_work(engine) as session:
        office_settings.save_settings(
            session, actor=office.director, form=replace(MIT_LIKE, **change)
        )
    with unit_of_work(engine) as session:
        assert office_settings.parties(session).placeholders


def test_the_form_must_be_the_settings_form(engine, office):
    with (
        pytest.raises(ValidationError, match="Fill in the office settings"),
        unit_of_work(engine) as session,
    ):
        office_settings.save_settings(session, actor=office.director, form={"x": 1})


def test_the_demo_values_pass_the_same_rules_and_say_they_are_a_demo(engine, office):
    saved = save(engine, office.director, DEMO)
    assert "(demo)" in saved.university_legal_name and "(demo)" in saved.university_name
    assert saved.office_email.endswith(".example")  # a domain that reaches nobody
