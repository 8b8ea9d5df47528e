"""The next step always in view, on the demo office's pages (issue #18): the inventor reads
what happens next on My disclosures, the officer and the director read the cases past target
at home, the director sees each stage per officer on the dashboard, and sets the targets on
Office settings."""

from sqlmodel import select

from tests.app.conftest import button, messages
from tests.app.test_share_dispute_pages import actor_of, open_my_case
from tlo import db
from tlo.disclosures import targets
from tlo.disclosures.models import (
    Disclosure,
    DisclosureInventor,
    DisclosureStatus,
    StatusChange,
)
from tlo.disclosures.targets import StageTarget


def a_case_of_alice_under_evaluation(database_url) -> tuple[str, targets.NextStep]:
    """A case of the demo inventor under evaluation: its docket and its next step."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        alice = actor_of(session, "inventor")
        cases = session.exec(
            select(Disclosure)
            .join(DisclosureInventor, DisclosureInventor.disclosure_id == Disclosure.id)
            .where(
                DisclosureInventor.person_id == alice.person_id,
                Disclosure.status == DisclosureStatus.EVALUATING.value,
            )
            .order_by(Disclosure.id)
        ).all()
        case = cases[0]
        timeline = session.exec(
            select(StatusChange).where(StatusChange.disclosure_id == case.id)
        ).all()
        step = targets.next_step(session, case, list(timeline))
        return case.docket, step


def test_the_inventor_reads_what_happens_next_who_does_it_and_by_when(open_app, database_url):
    docket, step = a_case_of_alice_under_evaluation(database_url)
    app = open_my_case(open_app("inventor"), docket)
    assert not app.exception, app.exception
    shown = [markdown.value for markdown in app.markdown]
    assert any(
        text.startswith(":material/next_plan: **What happens next:** The filing decision")
        for text in shown
    ), shown
    who = next(text for text in shown if text.startswith("**Who:**"))
    assert f"{step.officer_name}, your licensing officer" in who
    assert f"**Target:** {step.due_on}" in who
    path = next(text for text in shown if " → " in text)
    assert ":material/check: Received, awaiting triage" in path
    assert "**:blue[Under evaluation]**" in path and ":gray[Licensed]" in path
    assert any(f"Your licensing officer: {step.officer_name}" in c.value for c in app.caption)


def test_the_officer_and_the_director_read_the_cases_past_target_at_home(open_app, database_url):
    officer = open_app("officer")
    assert not officer.exception, officer.exception
    with db.unit_of_work(db.get_engine(database_url)) as session:
        olivia = actor_of(session, "officer")
        director = actor_of(session, "director")
        mine, my_total = targets.cases_past_target(
            session, actor=olivia, officer_person_id=olivia.person_id
        )
        _, office_total = targets.cases_past_target(session, actor=director)
    assert my_total > 0 and office_total > my_total  # the demo has late cases of both officers
    headings = [h.value for h in officer.subheader]
    assert f"My cases past their stage's target ({my_total})" in headings
    shown = [markdown.value for markdown in officer.markdown]
    assert any(mine[0].docket in text and "past target" in text for text in shown)
    officer.button(key="home_late_0").click().run()
    assert not officer.exception, officer.exception
    assert officer.session_state["open_case_id"] == mine[0].case_id

    home = open_app("director")
    assert not home.exception, home.exception
    assert f"The office's cases past their stage's target ({office_total})" in [
        h.value for h in home.subheader
    ]


def test_the_director_sees_each_stage_per_officer_on_the_dashboard(open_app):
    app = open_app("director")
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception, app.exception
    table = next(
        frame.value for frame in app.dataframe if "Median days in stage" in frame.value.columns
    )
    assert {"Unassigned", "Olivia Ortega", "Marcus Lee"} <= set(table["Officer"])
    assert (table["Past target"] <= table["Open cases"]).all()


def test_the_director_sets_a_target_and_a_bad_one_is_refused(open_app, database_url):
    app = open_app("director")
    app.switch_page("pages/office_settings.py").run()
    assert not app.exception, app.exception
    assert app.text_input(key="target_submitted").value == "14"
    app.text_input(key="target_submitted").input("0")
    button(app, "Save the targets").click().run()
    assert any("1 to 1095 days" in text for text in messages(app.error))
    app.text_input(key="target_submitted").input("21")
    app.text_input(key="target_licensed").input("")
    button(app, "Save the targets").click().run()
    assert not app.exception, app.exception
    assert any("Targets saved" in text for text in messages(app.success))
    with db.unit_of_work(db.get_engine(database_url)) as session:
        saved = {row.status: row.target_days for row in session.exec(select(StageTarget))}
    assert saved["submitted"] == 21 and saved["licensed"] is None
