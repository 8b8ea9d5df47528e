from types import SimpleNamespace

from tests.app.conftest import messages


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
