"""Administration -> Office settings (issue #16, item 10), and the agreement page's own terms
and signatory (item 9), under AppTest on a copy of the demo office."""

import re

import sqlalchemy as sa

from tests.app.conftest import messages, navigation_paths
from tlo import db, office_settings
from tlo.auth.models import Role
from tlo.auth.permissions import Actor
from tlo.licensing import agreements

PAGE = "pages/office_settings.py"
DIRECTOR = Actor(None, None, "Test", "test", frozenset({Role.DIRECTOR}))


def parties(database_url):
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return office_settings.parties(session)


def test_the_admin_changes_the_universitys_signatory_and_it_is_saved(open_app, database_url):
    app = open_app("admin")
    app.switch_page(PAGE).run()
    assert not app.exception
    assert app.text_input(key="settings_university_legal_name").value == (
        office_settings.DEMO.university_legal_name  # the demo's, marked (demo)
    )
    assert app.text_area(key="settings_office_address").value == (
        office_settings.DEMO.office_address
    )
    assert any(c.startswith("Last changed by system (demo data)") for c in messages(app.caption))
    app.text_input(key="settings_signatory_name").input("Jon Gold")
    app.text_input(key="settings_signatory_title").input("Associate Vice Provost")
    app.button(key="FormSubmitter:office_settings-Save the settings").click().run()
    assert not app.exception and not app.error
    assert messages(app.success) == [
        "Office settings saved: documents generated from now on name these parties."
    ]
    saved = parties(database_url)
    assert (saved.signatory_name, saved.signatory_title) == ("Jon Gold", "Associate Vice Provost")
    assert any(c.startswith("Last changed by Adam Kowalski") for c in messages(app.caption))


def test_a_bad_email_is_refused_and_what_was_typed_stays(open_app, database_url):
    app = open_app("director")
    app.switch_page(PAGE).run()
    app.text_input(key="settings_office_email").input("otl at university")
    app.button(key="FormSubmitter:office_settings-Save the settings").click().run()
    [error] = messages(app.error)
    assert error.startswith("The office's e-mail address is not valid")
    assert app.text_input(key="settings_office_email").value == "otl at university"
    assert parties(database_url).office_email == office_settings.DEMO.office_email


def test_a_fresh_office_is_told_its_documents_print_placeholders(open_app, database_url):
    with db.get_engine(database_url).begin() as connection:
        connection.execute(sa.text("DELETE FROM office_settings"))
    app = open_app("admin")
    app.switch_page(PAGE).run()
    [warning] = messages(app.warning)
    assert "documents print bracketed placeholders" in warning
    assert "[University's legal name]" in warning
    field = app.text_input(key="settings_university_legal_name")
    assert field.value == "" and field.placeholder == "[University's legal name]"


def test_only_the_administrator_and_the_director_see_the_page(open_app):
    for username, allowed in [("admin", True), ("director", True), ("officer", False)]:
        assert (PAGE in navigation_paths(open_app(username))) is allowed, username


# --- the agreement page: its own terms before execution, its signatory -------------------------


def agreement_in_negotiation(app, database_url):
    """The demo's exclusive license in negotiation, opened on the agreements page."""
    pick = app.selectbox(key="agr_pick")
    index = next(
        i
        for i, o in enumerate(pick.options)
        if "· Exclusive license:" in o
        and (view_of(database_url, o.split(" · ")[0]).agreement.status == "negotiating")
    )
    pick.select_index(index).run()
    return view_of(database_url, pick.options[index].split(" · ")[0])


def view_of(database_url, number: str):
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return agreements.get_agreement(
            session, actor=DIRECTOR, agreement_id=int(number.removeprefix("AGR-"))
        )


def test_an_agreement_in_negotiation_shows_its_own_terms_and_who_signs(open_app, database_url):
    app = open_app("director")
    app.switch_page("pages/agreements.py").run()
    view = agreement_in_negotiation(app, database_url)
    number, signatory = view.agreement.number, view.licensee_signatory
    assert not app.exception
    [terms] = [m.value for m in app.markdown if m.value.startswith("- Upfront fee:")]
    shown = terms.replace("\\", "")  # markdown escapes: "$" is no maths there
    assert shown.splitlines() == [
        "- Upfront fee: $60,000.00",
        "- Annual fees: $15,000.00 on the 1st anniversary; $25,000.00 on the 2nd and each "
        "later anniversary",
        "- Running royalties: 3 % of Net Sales (Net sales of licensed products)",
        "- Minimum annual royalty: none",
        "- Late-payment interest: none agreed yet",
        "- Sublicense income share: 20 %",
        "- Equity: none",
        "- Past patent costs to reimburse: $24,000.00, and the patent costs incurred after the "
        "effective date",
        "- Royalty reports: quarterly, due 45 days after each period ends, in USD",
        f"- Signs for the licensee: {signatory.name}, {signatory.title}",
    ]
    milestones = next(d.value for d in app.dataframe if "Milestone" in d.value.columns)
    assert list(milestones["Milestone"]) == ["FDA 510(k) clearance", "First commercial sale"]
    assert list(milestones["Payment"]) == ["$100,000.00", "$200,000.00"]
    assert any(f"{number} is not executed yet" in c for c in messages(app.caption))
    assert not [d for d in app.dataframe if "Obligation" in d.value.columns]
    for element in [*app.markdown, *app.caption]:
        assert not re.search(r"\bNone\b", element.value), element.value


def test_the_director_names_another_contact_as_the_licensees_signatory(open_app, database_url):
    from tlo.auth.permissions import system_actor
    from tlo.licensing import outreach

    app = open_app("director")
    app.switch_page("pages/agreements.py").run()
    a = agreement_in_negotiation(app, database_url).agreement
    box = app.selectbox(key=f"agr_edit_{a.id}_signatory_{a.company_id}")
    assert box.value.id == a.licensee_signatory_contact_id  # the demo's choice, offered
    with db.unit_of_work(db.get_engine(database_url)) as session:
        zed = outreach.add_contact(
            session,
            actor=system_actor("test"),
            company_id=a.company_id,
            name="Zed Signer",
            title="General Counsel",
        )
    app.run()
    box = app.selectbox(key=f"agr_edit_{a.id}_signatory_{a.company_id}")
    assert "Zed Signer, General Counsel" in box.options
    box.set_value(zed)
    app.button(key=f"FormSubmitter:agr_edit_{a.id}-Save agreement").click().run()
    assert not app.exception and not app.error, messages(app.error)
    assert messages(app.success) == [f"{a.number} saved."]
    assert view_of(database_url, a.number).licensee_signatory.id == zed.id
    [terms] = [m.value for m in app.markdown if m.value.startswith("- Upfront fee:")]
    assert "- Signs for the licensee: Zed Signer, General Counsel" in terms.replace("\\", "")


def test_an_officer_is_told_drafts_name_placeholders_until_the_settings_are_given(
    open_app, database_url
):
    app = open_app("officer")
    app.switch_page("pages/agreements.py").run()
    assert not [w for w in messages(app.warning) if "office settings" in w]  # the demo's given
    with db.get_engine(database_url).begin() as connection:
        connection.execute(sa.text("DELETE FROM office_settings"))
    app.run()
    [warning] = [w for w in messages(app.warning) if "office settings" in w]
    assert "bracketed placeholders" in warning and "Administration → Office settings" in warning
