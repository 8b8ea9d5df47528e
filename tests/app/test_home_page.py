"""The home page on the demo office: an officer's work at a glance and an inventor's cases and
income, each item opening its case."""

import json

import pytest
from sqlmodel import select

from tlo import db
from tlo.auth import services as accounts
from tlo.auth.models import Account
from tlo.reports import home


@pytest.fixture
def overview_of(database_url):
    """overview_of("officer") -> what the home page's service says for that demo account."""

    def load(username: str):
        with db.unit_of_work(db.get_engine(database_url)) as session:
            account_id = session.exec(select(Account.id).where(Account.username == username)).one()
            actor = accounts.load_actor(session, account_id)
            if username.startswith("officer"):
                return home.officer_overview(session, actor=actor)
            return home.inventor_overview(session, actor=actor)

    return load


def test_the_officer_home_counts_what_is_due_and_what_waits(open_app, overview_of):
    app = open_app("officer")
    assert not app.exception, app.exception
    expected = overview_of("officer")
    assert {metric.label: metric.value for metric in app.metric} == {
        "My open cases": str(expected.open_cases),
        "Overdue": str(len(expected.overdue)),
        "Due ≤ 30 days": str(len(expected.due_soon)),
        "Due 31–90 days": str(len(expected.due_later)),
        "Follow-ups due": str(len(expected.follow_ups)),
        "Waiting for me": str(len(expected.waiting)),
    }
    assert expected.overdue and expected.waiting and expected.follow_ups  # the demo has each
    assert [header.value for header in app.subheader] == [
        "Waiting for me",
        f"My cases past their stage's target ({expected.past_target_total})",
        "My deadlines: overdue and the next 90 days",
        "Follow-ups due",
        "My cases by status",
        "As a licensing officer",
    ]
    by_status = app.dataframe[0].value
    assert list(by_status["Cases"]) == [count.cases for count in expected.cases_by_status]


def test_a_disclosure_waiting_for_the_officer_opens_its_case_file(open_app, overview_of):
    first = overview_of("officer").waiting[0]
    app = open_app("officer")
    app.button(key="home_waiting_0").click().run()
    assert not app.exception, app.exception
    assert app.session_state["open_case_id"] == first.case_id
    assert app.title[0].value.startswith(first.docket)


def test_an_overdue_license_obligation_opens_the_case_of_its_technology(open_app, overview_of):
    overdue = overview_of("officer").overdue
    index, obligation = next(
        (index, d) for index, d in enumerate(overdue[:8]) if d.kind == "license"
    )
    app = open_app("officer")
    app.button(key=f"home_overdue_{index}").click().run()
    assert not app.exception, app.exception
    assert app.session_state["open_case_id"] == obligation.case_id


def test_the_inventor_home_lists_their_disclosures_and_charts_their_income(open_app, overview_of):
    app = open_app("inventor")
    assert not app.exception, app.exception
    expected = overview_of("inventor")
    assert [header.value for header in app.subheader] == [
        "My disclosures",
        "My income",
        "As an inventor",
    ]
    assert [metric.value for metric in app.metric] == [f"${expected.income_to_date:,.2f}"]
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    bars = figure["data"][0]
    assert bars["x"] == [f"FY{year}" for year, _ in expected.income_by_year]
    assert bars["y"] == [str(amount) for _, amount in expected.income_by_year]
    shown = [markdown.value for markdown in app.markdown]
    for row in expected.disclosures:
        assert any(row.title in text for text in shown), row.title
    assert len([b for b in app.button if str(b.key).startswith("home_mine_")]) == len(
        expected.disclosures
    )


def test_the_inventor_opens_a_disclosure_from_home_on_my_disclosures(open_app, overview_of):
    mine = overview_of("inventor").disclosures
    app = open_app("inventor")
    app.button(key="home_mine_1").click().run()
    assert not app.exception, app.exception
    assert app.title[0].value == "My disclosures"
    assert app.selectbox(key="my_case").value.id == mine[1].id
    assert app.header[0].value == f"{mine[1].docket} · {mine[1].title}"
    # Back home, another one replaces the case chosen before.
    app.switch_page("pages/home.py").run()
    app.button(key="home_mine_2").click().run()
    assert app.selectbox(key="my_case").value.id == mine[2].id
    assert app.header[0].value == f"{mine[2].docket} · {mine[2].title}"


def test_a_co_inventor_is_asked_on_home_to_confirm_their_shares(open_app, overview_of):
    waiting = overview_of("inventor2").shares_to_confirm
    app = open_app("inventor2")
    assert waiting > 0
    assert app.info[0].value.startswith(f"{waiting} disclosure(s) wait for you to confirm")
    assert not app.metric  # nothing has been distributed to them yet
    assert "Nothing has been distributed to you yet." in [c.value for c in app.caption]


def test_the_home_of_a_role_without_cases_shows_only_the_welcome(open_app):
    app = open_app("finance")
    assert not app.exception, app.exception
    assert not app.metric
    assert not [b for b in app.button if str(b.key).startswith("home_")]
    assert [header.value for header in app.subheader] == ["As finance staff"]
