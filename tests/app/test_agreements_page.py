from types import SimpleNamespace

from tests.app.conftest import messages
from tlo.licensing.agreement_models import AgreementStatus


def option_object(option: str):
    """What a select box of cases formats as 'docket · title'."""
    docket, title = option.split(" · ", 1)
    return SimpleNamespace(docket=docket, title=title, label=option)


def search_pickers(app, technology: str = "S2"):
    """The licensee and the technologies are search pickers (tlo/ui/pickers.py): type, then
    choose among what was found. Chooses the first licensee; returns the technologies'."""
    app.text_input(key="agr_new_company_find").input("Inc").run()
    app.selectbox(key="agr_new_company").select_index(0)
    app.text_input(key="agr_new_techs_find").input(technology).run()
    return app.multiselect(key="agr_new_techs")


def fill_new_agreement(app, milestones):
    app.switch_page("pages/agreements.py").run()
    techs = search_pickers(app)
    app.text_input(key="agr_new_title").input("Exclusive license: graphene sensor")
    techs.select(option_object(techs.options[0]))
    app.text_input(key="agr_new_upfront").input("50,000")
    app.text_area(key="agr_new_milestones").input(milestones)
    app.button(key="FormSubmitter:agr_new-Save agreement").click().run()
    return app


def test_an_officer_drafts_an_agreement_with_milestones(open_app):
    app = fill_new_agreement(
        open_app("officer"), "First sale; 100000; 2028-06-30\nSeries A raised; 0; 2027-06-30"
    )
    assert not app.exception
    assert messages(app.success) == ["Agreement saved as a draft."]
    table = app.dataframe[0].value
    assert "Exclusive license: graphene sensor" in list(table["Title"])


def test_a_badly_written_milestone_line_is_explained(open_app):
    app = fill_new_agreement(open_app("officer"), "First sale 100000 2028-06-30")
    assert messages(app.error) == ["Milestone line 1: write 'event; amount; YYYY-MM-DD'."]


def test_the_director_generates_a_word_draft_of_an_exclusive_license(open_app):
    app = open_app("director")
    app.switch_page("pages/agreements.py").run()
    pick = app.selectbox(key="agr_pick")
    index = next(i for i, option in enumerate(pick.options) if "Exclusive license" in option)
    pick.select_index(index).run()
    [generate] = [b for b in app.button if b.label == "Generate a new Word draft"]
    generate.click().run()
    assert not app.exception
    assert any(m.endswith("is ready.") for m in messages(app.success))
    assert any(d.label.startswith("Version 1 ·") for d in app.get("download_button"))


def excel_buttons(app) -> list[str]:
    """The keys of the tables' Excel buttons (ui.table keys them xlsx_<name>)."""
    return [
        d.proto.id.split("-xlsx_", 1)[1]
        for d in app.get("download_button")
        if d.proto.label == "Excel"
    ]


def test_the_director_can_download_the_agreements_and_obligations_shown(open_app):
    app = open_app("director")
    app.switch_page("pages/agreements.py").run()
    assert "agreements" in excel_buttons(app)
    app.selectbox(key="agr_status").select(AgreementStatus.EXECUTED).run()
    pick = app.selectbox(key="agr_pick")
    index = next(i for i, option in enumerate(pick.options) if "· Option:" in option)
    pick.select_index(index).run()
    number = pick.options[index].split(" · ")[0]
    assert f"obligations-{number}" in excel_buttons(app)
    obligations = next(d.value for d in app.dataframe if "Obligation" in d.value.columns)
    amounts = [amount for amount in obligations["Amount"] if isinstance(amount, str)]
    assert amounts and all(amount.startswith("$") for amount in amounts)  # the option fee


# --- licensed patents ---------------------------------------------------------------------------


def a_marketed_family(database_url) -> tuple[str, list[str]]:
    """A marketed demo technology with a European application in its family: its docket and
    its applications' numbers."""
    from sqlmodel import Session, select

    from tlo import db
    from tlo.disclosures.models import Disclosure
    from tlo.patents.models import PatentApplication

    with Session(db.get_engine(database_url)) as session:
        case = session.exec(
            select(Disclosure)
            .join(PatentApplication, PatentApplication.disclosure_id == Disclosure.id)
            .where(Disclosure.status == "marketing", PatentApplication.jurisdiction == "EP")
            .order_by(Disclosure.id)
        ).first()
        numbers = session.exec(
            select(PatentApplication.application_number)
            .where(PatentApplication.disclosure_id == case.id)
            .order_by(PatentApplication.filing_date, PatentApplication.id)
        ).all()
    return case.docket, list(numbers)


def view_of(database_url, agreement_number: str):
    from tlo import db
    from tlo.auth.models import Role
    from tlo.auth.permissions import Actor
    from tlo.licensing import agreements

    director = Actor(None, None, "Test", "test", frozenset({Role.DIRECTOR}))
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return agreements.get_agreement(
            session, actor=director, agreement_id=int(agreement_number.removeprefix("AGR-"))
        )


def test_a_new_license_preselects_its_family_and_the_officer_unticks_one(open_app, database_url):
    docket, numbers = a_marketed_family(database_url)
    app = open_app("officer")
    app.switch_page("pages/agreements.py").run()
    techs = search_pickers(app, docket)
    app.text_input(key="agr_new_title").input("Exclusive license: US only")
    techs.select(option_object(next(o for o in techs.options if o.startswith(f"{docket} · "))))
    assert app.checkbox(key="agr_new_whole").value is True
    app.button(key="FormSubmitter:agr_new-Save agreement").click().run()
    assert not app.exception
    assert messages(app.success) == ["Agreement saved as a draft."]
    number = app.selectbox(key="agr_pick~1").value[0].number
    view = view_of(database_url, number)
    assert [m.application.application_number for m in view.family] == numbers
    ticks = {
        m.label: app.checkbox(key=f"agr_pat_{view.agreement.id}:_{m.application.id}")
        for m in view.family
    }
    assert all(box.value for box in ticks.values())  # every application preselected
    [europe] = [label for label in ticks if label.startswith("EP ")]
    ticks[europe].uncheck()
    app.checkbox(key=f"agr_pat_{view.agreement.id}:_whole").uncheck()
    app.button(
        key=f"FormSubmitter:agr_pat_{view.agreement.id}:-Save the licensed patents"
    ).click().run()
    assert not app.exception
    assert messages(app.success) == [f"{number}: licensed patents saved."]
    view = view_of(database_url, number)
    assert {m.label: m.basis for m in view.family} == {
        label: "Left out" if label == europe else "Chosen" for label in ticks
    }
    assert view.agreement.licenses_whole_family is False
    table = next(d.value for d in app.dataframe if "Why" in d.value.columns)
    assert dict(zip(table["Number"], table["Licensed"], strict=True))[europe] == "No"


def test_a_whole_family_license_left_incomplete_is_explained(open_app, database_url):
    docket, _numbers = a_marketed_family(database_url)
    app = open_app("officer")
    app.switch_page("pages/agreements.py").run()
    techs = search_pickers(app, docket)
    app.text_input(key="agr_new_title").input("Exclusive license: whole family")
    techs.select(option_object(next(o for o in techs.options if o.startswith(f"{docket} · "))))
    app.button(key="FormSubmitter:agr_new-Save agreement").click().run()
    view = view_of(database_url, app.selectbox(key="agr_pick~1").value[0].number)
    first = view.family[0]
    app.checkbox(key=f"agr_pat_{view.agreement.id}:_{first.application.id}").uncheck()
    app.button(
        key=f"FormSubmitter:agr_pat_{view.agreement.id}:-Save the licensed patents"
    ).click().run()
    [error] = messages(app.error)
    assert error.startswith(f"The agreement licenses the whole family, yet {first.label} is left")
    assert "untick 'License the whole family'" in error


def test_an_executed_license_adds_an_application_that_joined_its_family(open_app, database_url):
    from datetime import timedelta

    from tests.clock import TODAY
    from tlo import db
    from tlo.auth.permissions import system_actor
    from tlo.patents import services as patents
    from tlo.patents.services import ApplicationForm

    app = open_app("director")
    app.switch_page("pages/agreements.py").run()
    pick = app.selectbox(key="agr_pick")
    # A research-tools license: US only, executed, its PCT and European applications left out.
    index, view = next(
        (i, view)
        for i, option in enumerate(pick.options)
        if "(research tools)" in option
        and (view := view_of(database_url, option.split(" · ")[0])).agreement.status == "active"
    )
    number = view.agreement.number
    assert not view.agreement.licenses_whole_family and not view.not_licensed_yet
    [pct] = [m.application for m in view.family if m.application.application_type == "pct"]
    with db.unit_of_work(db.get_engine(database_url)) as session:  # the family grows
        patents.add_application(
            session,
            actor=system_actor("test"),
            disclosure_id=pct.disclosure_id,
            form=ApplicationForm(
                "JP", "national_phase", TODAY - timedelta(days=1), "2026-100001", parent_id=pct.id
            ),
        )
    pick.select_index(index).run()
    assert any("Joined the family since" in w for w in messages(app.warning))
    which = app.multiselect(key=f"agr_addpat_{view.agreement.id}:_which")
    [option] = which.options
    assert option.startswith("JP 2026-100001 · National phase")
    which.set_value(which.options)
    app.button(
        key=f"FormSubmitter:agr_addpat_{view.agreement.id}:-Add to the licensed patents"
    ).click().run()
    assert messages(app.error) and "say in the note how the licensee was told" in app.error[0].value
    app.text_input(key=f"agr_addpat_{view.agreement.id}:_note").input("Schedule A sent by e-mail")
    app.button(
        key=f"FormSubmitter:agr_addpat_{view.agreement.id}:-Add to the licensed patents"
    ).click().run()
    assert messages(app.success) == [f"{number}: licensed patents added."]
    basis = {m.label: m.basis for m in view_of(database_url, number).family}
    assert basis["JP 2026-100001"] == "Chosen (Schedule A sent by e-mail)"


def test_every_demo_license_and_option_prints_its_licensed_patents(database_url):
    """The demo's Word drafts: the Licensed Patents table has a row per licensed application."""
    from io import BytesIO

    from docx import Document
    from sqlmodel import select

    from tlo import db
    from tlo.auth.models import Role
    from tlo.auth.permissions import Actor
    from tlo.licensing import drafts
    from tlo.licensing.agreement_models import Agreement, AgreementDraft, AgreementType

    director = Actor(None, None, "Test", "test", frozenset({Role.DIRECTOR}))
    printed = {}
    with db.unit_of_work(db.get_engine(database_url)) as session:
        for agreement in session.exec(select(Agreement)).all():
            kind = AgreementType(agreement.agreement_type)
            if kind not in drafts.TEMPLATES or not kind.covers_patents:
                continue
            draft = session.exec(
                select(AgreementDraft)
                .where(AgreementDraft.agreement_id == agreement.id)
                .order_by(AgreementDraft.version.desc())
            ).first()
            table = Document(
                BytesIO(drafts.read_draft(session, actor=director, draft_id=draft.id))
            ).tables[0]
            printed[agreement.number] = [[cell.text for cell in row.cells] for row in table.rows]
    assert len(printed) >= 15
    for number, rows in printed.items():
        assert rows[0] == ["Jurisdiction", "Type", "Number", "Filed", "Title"], number
        assert len(rows) >= 3 and all(row[2] and row[4] for row in rows[1:]), number
