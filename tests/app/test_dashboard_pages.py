"""The dashboard and the AUTM page on the demo office, as the roles that open them."""

import base64
import json

import numpy as np

from tests.app.conftest import navigation_paths
from tlo import db
from tlo.auth.permissions import system_actor
from tlo.reports import autm

LAST_YEAR = autm.current_fiscal_year() - 1  # the last complete fiscal year


def metric_value(database_url: str, fiscal_year: int, key: str) -> str:
    """What the AUTM service says, to compare with what the page shows."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        report = autm.autm_metrics(session, actor=system_actor("test"), fiscal_year=fiscal_year)
    return report[key].display


def figures(app) -> list[dict]:
    """The plotly figures on the page, in order (AppTest does not render them)."""
    return [json.loads(element.proto.spec) for element in app.get("plotly_chart")]


def fiscal_years_shown(figure: dict) -> set[str]:
    return {x for trace in figure["data"] for x in trace["x"]}


def test_the_director_opens_the_dashboard_with_every_chart(open_app):
    app = open_app("director")
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception
    assert [figure["data"][0]["type"] for figure in figures(app)] == [
        "bar",  # disclosures
        "funnel",
        "bar",  # license income by type
        "bar",  # patent spend and reimbursement
        "bar",  # top technologies
        "bar",  # top licensees
        "bar",  # licenses by size
        "histogram",
        "heatmap",
        "bar",  # open cases past their stage's target, by officer
        "bar",  # receivables by licensee and days past due
        "bar",  # the public catalogue's most viewed technologies
    ]
    charts_excel = [b for b in app.get("download_button") if b.key.startswith("excel_")]
    assert len(charts_excel) == 9  # each chart's data as Excel


def values(array) -> list:
    """A trace's values: plotly sends a numeric array as base64 ("bdata") with its dtype."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def dollars(traces: list[dict], x: str) -> str:
    """What the bars at `x` add up to, written as the AUTM page writes money."""
    total = sum(
        y
        for trace in traces
        for tx, y in zip(values(trace["x"]), values(trace["y"]), strict=True)
        if tx == x
    )
    return f"${total:,.2f}"


def test_the_income_charts_agree_with_the_autm_metrics(open_app, database_url):
    app = open_app("director")
    app.switch_page("pages/dashboard.py").run()
    _, _, income, spend, top_technologies, top_licensees, *_ = figures(app)
    year = f"FY{LAST_YEAR}"
    assert dollars(income["data"], year) == metric_value(database_url, LAST_YEAR, "license_income")
    # The chart's patent spend is what counsel invoiced in the year; AUTM's legal fees
    # expended are the invoices paid in it (issue #21): they need not agree.
    _invoiced, reimbursed = spend["data"]
    assert dollars([reimbursed], year) == metric_value(
        database_url, LAST_YEAR, "legal_fees_reimbursed"
    )
    for ranking in (top_technologies, top_licensees):
        amounts = values(ranking["data"][0]["x"])
        assert 0 < len(amounts) <= 10
        assert amounts == sorted(amounts, reverse=True)


def test_narrowing_the_fiscal_years_redraws_the_charts(open_app, database_url):
    app = open_app("director")
    app.switch_page("pages/dashboard.py").run()
    assert len(fiscal_years_shown(figures(app)[0])) > 1
    app.select_slider(key="dash_years").set_range(LAST_YEAR, LAST_YEAR).run()
    assert not app.exception
    disclosures, funnel, *_ = figures(app)
    assert fiscal_years_shown(disclosures) == {f"FY{LAST_YEAR}"}
    assert str(funnel["data"][0]["x"][0]) == metric_value(
        database_url, LAST_YEAR, "disclosures_received"
    )


def test_choosing_a_school_lists_only_its_departments(open_app):
    app = open_app("director")
    app.switch_page("pages/dashboard.py").run()
    department = next(box for box in app.selectbox if box.label == "Department")
    assert "Genetics" in department.options
    app.selectbox(key="dash_school").select_index(0).run()  # the School of Engineering
    assert not app.exception
    department = next(box for box in app.selectbox if box.label == "Department")
    assert set(department.options) == {
        "Electrical Engineering",
        "Mechanical Engineering",
        "Computer Science",
        "Bioengineering",
        "Materials Science and Engineering",
    }


def test_finance_sees_the_charts_but_not_the_docket(open_app):
    app = open_app("finance")
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception
    # the stage targets' and the receivables' charts among them
    assert len(app.get("plotly_chart")) == 10
    assert any("licensing officers and the director" in caption.value for caption in app.caption)


def test_the_director_reads_the_autm_metrics_of_a_chosen_year(open_app, database_url):
    app = open_app("director")
    app.switch_page("pages/autm.py").run()
    assert not app.exception
    assert app.selectbox(key="autm_year").value == LAST_YEAR
    before = {metric.label: metric.value for metric in app.metric}
    assert before["Disclosures received"] == metric_value(
        database_url, LAST_YEAR, "disclosures_received"
    )
    app.selectbox(key="autm_year").select(LAST_YEAR - 1).run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    for key, label in (
        ("disclosures_received", "Disclosures received"),
        ("startups_formed", "Start-ups formed"),
        ("legal_fees_expended", "Legal fees expended"),
        ("license_income", "License income"),
        ("legal_fees_reimbursed", "Legal fees reimbursed"),
    ):
        assert metrics[label] == metric_value(database_url, LAST_YEAR - 1, key)
    assert metrics != before
    assert app.get("download_button")


def test_an_inventor_finds_no_reports_in_the_navigation(open_app):
    paths = navigation_paths(open_app("inventor"))
    assert "pages/dashboard.py" not in paths
    assert "pages/autm.py" not in paths


def test_an_officer_has_the_dashboard_but_not_the_autm_report(open_app):
    paths = navigation_paths(open_app("officer"))
    assert "pages/dashboard.py" in paths
    assert "pages/autm.py" not in paths
