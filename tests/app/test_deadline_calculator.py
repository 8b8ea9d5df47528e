from datetime import date

import pytest

from tlo.patents.deadlines import ActionType


def open_calculator(open_app):
    app = open_app("officer")
    app.switch_page("pages/deadline_calculator.py").run()
    return app


def test_the_calculator_shows_the_conversion_deadline_and_file_by_date(open_app):
    app = open_calculator(open_app)
    app.date_input(key="calc_date").set_value(date(2025, 1, 31)).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["Rule"]) == ["convert_provisional", "priority_year"]
    assert str(table["Due"][0])[:10] == "2026-01-31"
    assert str(table["File by"][0])[:10] == "2026-02-02"


def test_a_pct_without_a_priority_date_counts_from_its_own_filing(open_app):
    app = open_calculator(open_app)
    app.selectbox(key="calc_kind").select("pct_filed").run()
    app.date_input(key="calc_date").set_value(date(2025, 1, 15)).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert len(table) == 9 and table["Rule"].iloc[-1] == "priority_year"
    assert str(table["Due"][0])[:10] == "2027-07-15"


def test_a_notice_of_allowance_sets_only_the_issue_fee(open_app):
    app = open_calculator(open_app)
    app.selectbox(key="calc_kind").select("office_action_mailed").run()
    app.selectbox(key="calc_action").set_value(ActionType.NOTICE_OF_ALLOWANCE).run()
    app.date_input(key="calc_date").set_value(date(2026, 1, 16)).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["Rule"]) == ["issue_fee"]
    assert str(table["Due"][0])[:10] == "2026-04-16"


def test_a_lapse_on_a_federal_case_asks_for_the_date_let_pass_and_flags_a_late_notice(open_app):
    app = open_calculator(open_app)
    app.selectbox(key="calc_kind").select("decided_not_to_continue").run()
    app.checkbox(key="calc_federal").check().run()
    app.date_input(key="calc_date").set_value(date(2026, 2, 20)).run()
    assert "30 days before" in app.info[0].value
    app.date_input(key="calc_response_due").set_value(date(2026, 3, 2)).run()
    table = app.dataframe[0].value
    assert list(table["Rule"]) == ["bayh_dole_abandonment_notice"]
    assert list(table["Late"]) == ["Yes"]


def test_a_japanese_grant_asks_for_the_filing_date_and_lists_the_annual_fees(open_app):
    app = open_calculator(open_app)
    app.selectbox(key="calc_kind").select("national_patent_granted").run()
    app.selectbox(key="calc_office").set_value("JP").run()
    app.date_input(key="calc_date").set_value(date(2024, 2, 29)).run()
    assert "Enter the filing date" in app.info[0].value
    app.date_input(key="calc_national_filing").set_value(date(2020, 1, 31)).run()
    assert not app.exception
    table = app.dataframe[0].value
    # Years 1-3 were paid on registration; the 4th falls due by its 3rd anniversary, clamped.
    assert table["Rule"].iloc[0] == "annuity_jp_4"
    assert str(table["Due"][0])[:10] == "2027-02-28"
    assert "patent_expiry_jp" in list(table["Rule"])


def test_the_administrator_sees_every_deadline_rule_with_its_source(open_app):
    app = open_app("admin")
    app.switch_page("pages/deadline_rules.py").run()
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert "pct_national_phase_cn" in set(table["Rule"])
    issue_fee = table[table["Rule"] == "issue_fee"].iloc[0]
    assert "37 CFR 1.311(a)" in issue_fee["Source"]
    assert issue_fee["Applies when"] == "notice of allowance (issue fee)"
    app.selectbox(key="rules_trigger").set_value("ep_filed").run()
    assert set(app.dataframe[0].value["Rule"]) == {f"ep_renewal_{n}" for n in range(3, 21)}


def test_an_inventor_cannot_open_the_deadline_rules(open_app):
    app = open_app("inventor")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("pages/deadline_rules.py")
