"""Correcting companies, contacts and the pipeline on their pages (issue #16, items 2 and 10),
on the demo office."""

from sqlmodel import select

from tests.app.conftest import messages
from tlo import db
from tlo.audit import AuditEntry
from tlo.licensing.models import Company, Contact, Outreach, OutreachTouch, Stage


def first_company(database_url) -> Company:
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return session.exec(select(Company).order_by(Company.name)).first()


def submit(app, form: str, label: str):
    return app.button(key=f"FormSubmitter:{form}-{label}").click().run()


def test_an_officer_corrects_a_companys_legal_form_only_with_a_reason(open_app, database_url):
    first = first_company(database_url)
    app = open_app("officer")
    app.switch_page("pages/companies.py").run()
    assert f"In agreements: {first.name}, " in " ".join(c.value for c in app.caption)
    form = f"co_edit_{first.id}"
    app.text_input(key=f"{form}_kind").input("public benefit corporation")
    app.text_input(key=f"{form}_jurisdiction").input("Delaware")
    submit(app, form, "Save company")
    assert messages(app.error) == [
        "Say why the company's kind of entity and jurisdiction change: a correction is kept "
        "with its reason."
    ]
    app.text_input(key=f"{form}_reason").input("As on its certificate of incorporation")
    submit(app, form, "Save company")
    assert not app.exception, app.exception
    assert messages(app.success) == [f"{first.name} saved."]
    assert f"In agreements: {first.name}, a Delaware public benefit corporation" in [
        c.value for c in app.caption
    ]
    assert app.text_input(key=f"{form}_reason~1").value == ""  # the reason starts afresh
    with db.unit_of_work(db.get_engine(database_url)) as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "company.corrected")
        ).one()
    assert entry.after["reason"] == "As on its certificate of incorporation"


def test_an_officer_corrects_a_contact_and_removes_one_after_confirming(open_app, database_url):
    first = first_company(database_url)
    with db.unit_of_work(db.get_engine(database_url)) as session:
        [contact, *_] = session.exec(
            select(Contact).where(Contact.company_id == first.id).order_by(Contact.name)
        ).all()
    app = open_app("officer")
    app.switch_page("pages/companies.py").run()
    fix = f"co_fix_{contact.id}"
    app.text_input(key=f"{fix}_title").input("Chief Executive Officer")
    submit(app, fix, "Save correction")
    assert messages(app.error) == [
        "Say why this contact is corrected: a correction is kept with its reason."
    ]
    app.text_input(key=f"{fix}_reason").input("Promoted in June")
    submit(app, fix, "Save correction")
    assert messages(app.success) == [f"{contact.name} corrected."]
    gone = f"co_remove_{contact.id}"
    app.text_input(key=f"{gone}_reason").input("Entered by mistake")
    submit(app, gone, "Remove contact")
    assert messages(app.error) == [f"Tick the box to confirm removing {contact.name}."]
    app.checkbox(key=f"{gone}_sure").check()
    submit(app, gone, "Remove contact")
    assert not app.exception, app.exception
    assert messages(app.success) == [f"{contact.name} removed."]
    with db.unit_of_work(db.get_engine(database_url)) as session:
        assert session.get(Contact, contact.id) is None


def test_finance_reads_companies_but_is_offered_no_correction(open_app):
    app = open_app("finance")
    app.switch_page("pages/companies.py").run()
    assert not app.exception
    assert not [form for form in app.get("form")]


def own_entries_with_touches(database_url, stage=None, officer_name="Olivia Ortega"):
    """The officer's outreach entries that have touches, as the pipeline's picker names them."""
    from tlo.disclosures.models import Disclosure
    from tlo.people.models import Person

    with db.unit_of_work(db.get_engine(database_url)) as session:
        rows = session.exec(
            select(Outreach.id, Disclosure.docket, Company.name, Outreach.stage)
            .join(Disclosure, Disclosure.id == Outreach.disclosure_id)
            .join(Company, Company.id == Outreach.company_id)
            .join(Person, Person.id == Outreach.owner_person_id)
            .where(
                Person.full_name == officer_name,
                Outreach.id.in_(select(OutreachTouch.outreach_id)),
                Outreach.stage == stage if stage else True,
            )
            .order_by(Outreach.id)
        ).all()
    return [
        (row_id, f"{docket} · {name} · {Stage(stage).label}")
        for row_id, docket, name, stage in rows
    ]


def choose_row(app, label):
    picker = app.selectbox(key="fix_row")
    return picker.select_index(picker.options.index(label)).run()


def test_an_officer_corrects_a_touch_and_strikes_one_out_on_the_pipeline(open_app, database_url):
    [(outreach_id, label), *_] = own_entries_with_touches(database_url)
    app = open_app("officer")
    app.switch_page("pages/pipeline.py").run()
    choose_row(app, label)
    touch = app.selectbox(key=f"fix_touch_pick_{outreach_id}").value
    form = f"fix_touch_{touch.id}"
    app.text_area(key=f"{form}_note").input("Sent the summary and the data sheet.")
    app.text_input(key=f"{form}_reason").input("The data sheet went too")
    submit(app, form, "Save correction")
    assert not app.exception, app.exception
    assert len(messages(app.success)) == 1 and "corrected" in messages(app.success)[0]
    with db.unit_of_work(db.get_engine(database_url)) as session:
        assert session.get(OutreachTouch, touch.id).note == "Sent the summary and the data sheet."
    strike = f"strike_{touch.id}"
    app.text_input(key=f"{strike}_reason").input("Never sent")
    app.checkbox(key=f"{strike}_sure").check()
    submit(app, strike, "Strike out")
    assert not app.exception, app.exception
    assert "struck out" in messages(app.success)[0]
    with db.unit_of_work(db.get_engine(database_url)) as session:
        assert session.get(OutreachTouch, touch.id) is None


def test_an_officer_withdraws_an_entry_opened_by_mistake_after_confirming(open_app, database_url):
    # Only contacted: further along, a signed agreement may have followed (then it stays).
    [(outreach_id, label), *_] = own_entries_with_touches(database_url, Stage.CONTACTED)
    stage = Stage.CONTACTED
    app = open_app("officer")
    app.switch_page("pages/pipeline.py").run()
    before = {m.label: m.value for m in app.metric}
    choose_row(app, label)
    form = f"withdraw_{outreach_id}"
    submit(app, form, "Withdraw from the pipeline")
    assert messages(app.error)[0].startswith("Tick the box to confirm withdrawing ")
    app.text_input(key=f"{form}_reason").input("Opened for the wrong technology")
    app.checkbox(key=f"{form}_sure").check()
    submit(app, form, "Withdraw from the pipeline")
    assert not app.exception, app.exception
    assert messages(app.error) == []
    assert "withdrawn from" in messages(app.success)[0]
    after = {m.label: m.value for m in app.metric}
    assert int(after[stage.label]) == int(before[stage.label]) - 1
    with db.unit_of_work(db.get_engine(database_url)) as session:
        assert session.get(Outreach, outreach_id) is None
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "outreach.withdrawn")
        ).one()
    assert entry.after["reason"] == "Opened for the wrong technology"
