from types import SimpleNamespace

from tests.app.conftest import messages
from tlo.licensing.agreement_models import AgreementStatus


def option_object(option: str):
    """What a select box of cases formats as 'docket · title'."""
    docket, title = option.split(" · ", 1)
    return SimpleNamespace(docket=docket, title=title)


def fill_new_agreement(app, milestones):
    app.switch_page("pages/agreements.py").run()
    app.text_input(key="agr_new_title").input("Exclusive license: graphene sensor")
    app.selectbox(key="agr_new_company").select_index(0)
    techs = app.multiselect(key="agr_new_techs")
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
    amounts = [amount for amount in app.dataframe[1].value["Amount"] if isinstance(amount, str)]
    assert amounts and all(amount.startswith("$") for amount in amounts)  # the option fee
