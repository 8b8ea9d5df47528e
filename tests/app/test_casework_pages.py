"""The officer's pages and the inventor's view of a case, on the demo office."""

from tests.app.conftest import button, messages
from tlo.disclosures.workflow import Action


def test_an_officer_assigns_the_oldest_case_in_the_queue_to_themselves(open_app):
    app = open_app("officer")
    app.switch_page("pages/intake.py").run()
    queue = app.dataframe[0].value
    oldest = queue["Docket"][0]
    app.selectbox(key="intake_case").select_index(0).run()
    assert app.selectbox(key="intake_officer").value.name == "Olivia Ortega"
    button(app, "Assign").click().run()
    assert messages(app.success) == [f"{oldest} assigned to Olivia Ortega."]
    assert oldest not in list(app.dataframe[0].value["Docket"])


def open_case(app, docket):
    app.switch_page("pages/case.py").run()
    app.text_input(key="case_find").input(docket).run()
    app.selectbox(key="case_pick").select_index(0).run()
    assert not app.exception, app.exception
    return app


def an_own_case_in(app, status_label):
    app.switch_page("pages/disclosures.py").run()
    app.text_input(key="f_docket").input("S").run()
    table = app.dataframe[0].value
    mine = table[(table["Officer"] == "Olivia Ortega") & (table["Status"] == status_label)]
    return mine["Docket"].iloc[0]


def test_the_assigned_officer_scores_and_decides_on_the_case_page(open_app):
    app = open_app("officer")
    docket = an_own_case_in(app, "Assigned to an officer")
    open_case(app, docket)
    assert app.title[0].value.startswith(docket)
    app.number_input(key="score_novelty").set_value(5)
    app.text_area(key="score_prior_art").input("Nothing close in the literature")
    app.button(key="FormSubmitter:scorecard-Save scorecard").click().run()
    assert "Scorecard saved." in messages(app.success)
    app.selectbox(key="decision_choice").select(Action.FILE_PROVISIONAL)
    app.button(key="FormSubmitter:decision-Record decision").click().run()
    assert messages(app.error) == ["Give the rationale for 'File provisional'."]
    app.text_area(key="decision_rationale").input("Strong data; two companies asked")
    app.button(key="FormSubmitter:decision-Record decision").click().run()
    assert "Decision recorded: File provisional." in messages(app.success)
    # The form starts afresh, under a new key the browser has not seen (see ui.widget_key).
    assert app.text_area(key="decision_~1rationale").value == ""
    assert any("Patent filing approved" in markdown.value for markdown in app.markdown)


def test_a_deferral_without_a_review_date_is_refused_on_the_page(open_app):
    app = open_app("officer")
    open_case(app, an_own_case_in(app, "Under evaluation"))
    app.selectbox(key="decision_choice").select(Action.DEFER)
    app.text_area(key="decision_rationale").input("Wait for the mouse data")
    app.button(key="FormSubmitter:decision-Record decision").click().run()
    assert messages(app.error) == ["A deferred decision needs the date to review it again."]


def test_another_officers_case_is_read_only(open_app):
    app = open_app("officer")
    app.switch_page("pages/disclosures.py").run()
    table = app.dataframe[0].value
    theirs = table[table["Officer"] == "Marcus Lee"]["Docket"].iloc[0]
    open_case(app, theirs)
    assert not [form for form in app.get("form")]
    assert any("Marcus Lee's" in caption.value for caption in app.caption)


def test_the_co_inventor_confirms_their_share_from_my_disclosures(open_app):
    app = open_app("inventor2")
    app.switch_page("pages/my_disclosures.py").run()
    assert "wait for you to confirm your share" in app.info[0].value
    options = app.selectbox(key="my_case").options
    waiting = app.info[0].value.split(": ")[1].split(", ")[0]
    index = next(i for i, option in enumerate(options) if option.startswith(waiting))
    app.selectbox(key="my_case").select_index(index).run()
    button(app, "Confirm my share").click().run()
    assert "Thank you: your share is confirmed." in messages(app.success)


def test_an_inventor_sees_only_their_own_cases(open_app):
    app = open_app("inventor")
    app.switch_page("pages/my_disclosures.py").run()
    table = app.dataframe[0].value
    assert len(table) > 0
    assert all("Alice Chen" in inventors for inventors in table["Inventors"])


def test_the_disclosure_list_filters_and_offers_an_excel_export(open_app):
    app = open_app("director")
    app.switch_page("pages/disclosures.py").run()
    app.text_input(key="f_text").input("battery").run()
    titles = list(app.dataframe[0].value["Title"])
    assert titles and all("battery" in title.lower() for title in titles)
    assert app.get("download_button")
