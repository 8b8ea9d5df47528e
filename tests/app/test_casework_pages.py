"""The officer's pages and the inventor's view of a case, on the demo office."""

from datetime import timedelta

from sqlmodel import col, select

from tests.app.conftest import button, messages
from tests.clock import TODAY
from tlo import db
from tlo.disclosures.models import Disclosure
from tlo.disclosures.workflow import Action
from tlo.patents.deadlines import ActionType
from tlo.patents.models import ApplicationStatus, OfficeAction, PatentApplication
from tlo.people.models import Person


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


def an_own_pending_us_nonprovisional(database_url):
    """(docket, application id, filing date) of a pending US non-provisional on one of
    Olivia Ortega's live cases in the demo office."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        olivia = session.exec(select(Person.id).where(Person.full_name == "Olivia Ortega")).one()
        found = session.exec(
            select(Disclosure.docket, PatentApplication.id, PatentApplication.filing_date)
            .join(PatentApplication, PatentApplication.disclosure_id == Disclosure.id)
            .where(
                Disclosure.officer_person_id == olivia,
                col(Disclosure.status).in_(["filed", "marketing", "licensed"]),
                PatentApplication.jurisdiction == "US",
                PatentApplication.application_type == "nonprovisional",
                PatentApplication.status == "pending",
            )
            .order_by(PatentApplication.id)
        ).first()
    assert found, "the demo office has a pending US non-provisional of Olivia Ortega's"
    return found


def stored_application(database_url, application_id) -> PatentApplication:
    with db.unit_of_work(db.get_engine(database_url)) as session:
        application = session.get(PatentApplication, application_id)
        session.expunge(application)
        return application


def on_the_patents_tab(open_app, database_url):
    docket, application_id, filed = an_own_pending_us_nonprovisional(database_url)
    app = open_case(open_app("officer"), docket)
    picker = next(box for box in app.selectbox if str(box.key).startswith("work_app_"))
    picker.select(application_id).run()
    assert not app.exception, app.exception
    return app, application_id, filed


def test_a_grant_recorded_on_a_published_application_keeps_its_publication(open_app, database_url):
    app, application_id, filed = on_the_patents_tab(open_app, database_url)
    published_on = min(filed + timedelta(days=540), TODAY)
    k = f"upd_{application_id}_"
    app.selectbox(key=f"{k}status").select(ApplicationStatus.PUBLISHED)
    app.text_input(key=f"{k}pub").input("US 2026/0345678 A1")
    app.date_input(key=f"{k}pub_date").set_value(published_on)
    app.button(key="FormSubmitter:app_update-Save").click().run()
    assert "Application updated." in messages(app.success)
    # The form offers what is on record now, under fresh keys.
    k = f"upd_~1{application_id}_"
    assert app.selectbox(key=f"{k}status").value is ApplicationStatus.PUBLISHED
    assert app.text_input(key=f"{k}pub").value == "US 2026/0345678 A1"
    assert app.date_input(key=f"{k}pub_date").value == published_on
    app.selectbox(key=f"{k}status").select(ApplicationStatus.GRANTED)
    app.text_input(key=f"{k}grant").input("12,345,678")
    app.date_input(key=f"{k}grant_date").set_value(TODAY)
    app.button(key="FormSubmitter:app_update-Save").click().run()
    assert "Application updated." in messages(app.success)
    stored = stored_application(database_url, application_id)
    assert (
        stored.status,
        stored.publication_number,
        stored.publication_date,
        stored.grant_number,
        stored.grant_date,
    ) == ("granted", "US 2026/0345678 A1", published_on, "12,345,678", TODAY)
    line = f"published US 2026/0345678 A1 on {published_on} · granted 12,345,678 on {TODAY}"
    assert any(line in markdown.value for markdown in app.markdown)


def test_an_officer_corrects_an_application_number_giving_a_reason(open_app, database_url):
    app, application_id, filed = on_the_patents_tab(open_app, database_url)
    k = f"fix_{application_id}_"
    assert app.date_input(key=f"{k}filed").value == filed  # every field shows the record
    app.text_input(key=f"{k}number").input("18/999,001")
    app.button(key="FormSubmitter:app_correct-Save correction").click().run()
    assert messages(app.error) == ["Give the reason for the correction."]
    assert app.text_input(key=f"{k}number").value == "18/999,001"  # kept to correct
    app.text_area(key=f"{k}reason").input("The filing receipt reads 18/999,001")
    app.button(key="FormSubmitter:app_correct-Save correction").click().run()
    assert "Application corrected; its deadlines follow the corrected record." in messages(
        app.success
    )
    assert stored_application(database_url, application_id).application_number == "18/999,001"
    k = f"fix_~1{application_id}_"
    assert app.text_input(key=f"{k}number").value == "18/999,001"
    assert app.text_area(key=f"{k}reason").value == ""
    assert any("(18/999,001, filed" in markdown.value for markdown in app.markdown)


def test_a_correction_the_rules_refuse_shows_why_and_changes_nothing(open_app, database_url):
    app, application_id, filed = on_the_patents_tab(open_app, database_url)
    k = f"fix_{application_id}_"
    tomorrow = TODAY + timedelta(days=1)
    app.date_input(key=f"{k}filed").set_value(tomorrow)
    app.text_area(key=f"{k}reason").input("Counsel gave the wrong date")
    app.button(key="FormSubmitter:app_correct-Save correction").click().run()
    assert messages(app.error) == [
        f"The filing date {tomorrow} is in the future; record an application once it is filed."
    ]
    assert stored_application(database_url, application_id).filing_date == filed


def test_a_notice_of_allowance_is_answered_by_paying_the_issue_fee(open_app, database_url):
    app, application_id, filed = on_the_patents_tab(open_app, database_url)
    mailed = max(filed, TODAY - timedelta(days=10))
    app.selectbox(key="oa_new_kind").select(ActionType.NOTICE_OF_ALLOWANCE)
    app.date_input(key="oa_new_mailed").set_value(mailed)
    app.button(key="FormSubmitter:oa_add-Record office action").click().run()
    assert "Office action recorded." in messages(app.success)
    assert f"Notice of allowance (issue fee) mailed {mailed} (open)" in " ".join(
        caption.value for caption in app.caption
    )
    with db.unit_of_work(db.get_engine(database_url)) as session:
        action_id = session.exec(
            select(OfficeAction.id).where(
                OfficeAction.application_id == application_id,
                OfficeAction.action_type == "notice_of_allowance",
            )
        ).one()
    app.selectbox(key="oa_open").select(action_id).run()
    app.date_input(key=f"oa_answer_{action_id}").set_value(TODAY)
    app.button(key="FormSubmitter:oa_answer-Record issue fee paid").click().run()
    assert "Issue fee recorded as paid." in messages(app.success)
    assert f"Notice of allowance (issue fee) mailed {mailed} (issue fee paid {TODAY})" in " ".join(
        caption.value for caption in app.caption
    )
