from datetime import date


def test_the_calculator_shows_the_conversion_deadline_and_file_by_date(open_app):
    app = open_app("officer")
    app.switch_page("pages/deadline_calculator.py").run()
    app.date_input(key="calc_date").set_value(date(2025, 1, 31)).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["Deadline"]) == ["Convert the provisional (non-provisional and/or PCT)"]
    assert str(table["Due"][0])[:10] == "2026-01-31"
    assert str(table["File by"][0])[:10] == "2026-02-02"


def test_a_pct_filing_asks_for_the_priority_date(open_app):
    app = open_app("officer")
    app.switch_page("pages/deadline_calculator.py").run()
    app.selectbox(key="calc_kind").select("pct_filed").run()
    app.date_input(key="calc_date").set_value(date(2025, 6, 1)).run()
    assert "priority date" in app.info[0].value
