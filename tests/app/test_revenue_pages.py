"""The income and statements pages on the demo office."""

from tests.app.conftest import button, messages


def test_finance_computes_and_posts_the_distribution_of_a_payment(open_app):
    app = open_app("finance")
    app.switch_page("pages/income.py").run()
    assert not app.exception
    incomes = app.dataframe[0].value
    assert set(incomes["Distribution"]) == {"undistributed"}  # the current year is still open
    button(app, "Compute the draft distribution").click().run()
    assert messages(app.success) == ["Draft computed: review every line, then post it."]
    lines = app.dataframe[1].value
    assert {"Recipient", "Class", "Amount", "Rule"} <= set(lines.columns)
    assert "office" in set(lines["Recipient"])
    button(app, "Post the distribution").click().run()
    assert messages(app.success)[0].startswith("Distribution posted.")
    assert "posted" in set(app.dataframe[0].value["Distribution"])


def test_an_inventor_reads_their_own_statement(open_app):
    app = open_app("inventor")
    app.switch_page("pages/statements.py").run()
    assert not app.exception
    assert app.metric[0].value.startswith("$")
    labels = [d.label for d in app.get("download_button")]
    assert labels == ["Statement (Word)", "Statement (Excel)", "Excel"]  # Excel: the lines shown
    assert set(app.dataframe[0].value["To"]) <= {"Alice Chen", "Lab of Alice Chen"}
    assert not app.selectbox  # no one else to choose


def test_finance_chooses_whose_statement_to_read(open_app):
    app = open_app("finance")
    app.switch_page("pages/statements.py").run()
    people = app.selectbox(key="stmt_person")
    assert len(people.options) > 3
    assert not app.exception
    assert app.subheader[0].value == people.options[0]  # AppTest cannot pick by format_func


def test_an_officer_reads_income_but_cannot_distribute_it(open_app):
    app = open_app("officer")
    app.switch_page("pages/income.py").run()
    assert not app.exception
    labels = [b.label for b in app.button]
    assert "Compute the draft distribution" not in labels


def test_finance_tries_a_policy_and_sees_why_a_broken_one_is_refused(open_app):
    from tlo.revenue.services import POLICIES_FOLDER

    app = open_app("finance")
    app.switch_page("pages/policies.py").run()
    assert not app.exception
    assert any("in force today" in e.label for e in app.expander)
    stanford = (POLICIES_FOLDER / "stanford.toml").read_text("utf-8")
    trial = stanford.replace("2020-09-01", "2031-09-01")
    app.text_area(key="pol_text").input(trial).run()
    button(app, "Check and try").click().run()
    assert messages(app.success)[0].startswith("The policy is valid.")
    assert "office" in set(app.dataframe[0].value["To"])
    app.text_area(key="pol_text").input(trial.replace('percent = "15"', 'percent = "150"')).run()
    button(app, "Check and try").click().run()
    assert "150" in messages(app.error)[0]


def test_recording_a_payment_without_choosing_an_agreement_says_to_choose_one(open_app):
    from datetime import date

    app = open_app("finance")
    app.switch_page("pages/income.py").run()
    app.date_input[0].set_value(date(2026, 11, 2))
    app.text_input[0].input("100.00")
    button(app, "Record payment").click().run()
    assert not app.exception
    assert messages(app.error) == ["Choose the signed agreement the payment is for."]
