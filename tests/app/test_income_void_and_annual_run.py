"""The income page on the demo office (#16 items 2 and 5): finance voids a payment recorded by
mistake (with a reason, after ticking a confirmation); previews the annual run, confirms it and
reads the result; a payment recorded in between makes the confirm refuse; four eyes."""

from datetime import timedelta

from tests.app.conftest import button, messages
from tests.clock import TODAY
from tlo import db
from tlo.auth import services as accounts
from tlo.revenue import services as revenue
from tlo.revenue.services import IncomeForm


def income_page(open_app, username="finance"):
    app = open_app(username)
    app.switch_page("pages/income.py").run()
    assert not app.exception
    return app


def checkbox(app, starts_with: str):
    matches = [c for c in app.checkbox if c.label.startswith(starts_with)]
    assert matches, [c.label for c in app.checkbox]
    return matches[0]


def preview_button(app):
    [found] = [b for b in app.button if b.label.startswith("Preview the run of FY")]
    return found


def post_button(app):
    [found] = [b for b in app.button if b.label.startswith("Post FY")]
    return found


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_finance_voids_a_payment_recorded_by_mistake(open_app):
    app = income_page(open_app)
    chosen = app.selectbox(key="inc_pick").value  # the newest payment, undistributed
    assert chosen.state == "undistributed"
    reason = app.text_input(key=f"inc_void_reason_{chosen.income.id}")
    reason.input("Entered twice")
    button(app, "Void payment").click().run()
    assert messages(app.error) == ["Tick the box to confirm that the payment is voided."]
    assert app.selectbox(key="inc_pick").value.state == "undistributed"
    # A form's widgets are sent with its button (AppTest runs nothing in between).
    app.text_input(key=f"inc_void_reason_{chosen.income.id}").input("Entered twice")
    checkbox(app, "Void the payment of").check()
    button(app, "Void payment").click().run()
    assert not app.exception
    assert messages(app.success) == ["Payment voided. It is kept on record and counts nowhere."]
    incomes = app.dataframe[0].value
    assert list(incomes["Distribution"]).count("Voided") == 1
    assert app.selectbox(key="inc_pick").value.state == "voided"
    [warning] = app.warning
    assert warning.value.startswith(f"Voided by Fiona Nakamura on {TODAY}: ")  # the office's day
    assert "Entered twice" in warning.value
    labels = [b.label for b in app.button]
    assert "Compute the draft distribution" not in labels and "Void payment" not in labels


def test_finance_previews_the_annual_run_confirms_it_and_reads_the_result(open_app):
    app = income_page(open_app)
    assert not [b for b in app.button if b.label.startswith("Post FY")]  # a preview first
    preview_button(app).click().run()
    assert not app.exception
    shown = metrics(app)
    assert shown["Payments"] == "13"  # the demo's current fiscal year is still open
    classes = app.dataframe[1].value
    assert list(classes["Recipient class"]) == [
        "Office",
        "Inventors",
        "Departments",
        "Schools",
        "University",
        # the demo's IIA (we lead, for a fee) and its collection agent (#19)
        "Lead fee",
        "Co-owners (inter-institutional agreements)",
        "Collection agents",
    ]
    assert post_button(app).label == f"Post FY2027: 13 payments, {shown['Total']}"
    assert post_button(app).disabled  # until the box is ticked
    checkbox(app, "I have checked the figures above").check().run()
    assert not post_button(app).disabled
    post_button(app).click().run()
    assert not app.exception
    assert messages(app.success) == [
        f"FY2027 posted: 13 payments, 13 distributions, {shown['Total']} in all."
    ]
    assert set(app.dataframe[0].value["Distribution"]) == {"posted"}
    result = app.dataframe[-2].value  # by class, then by recipient, as the preview showed
    assert list(result["Recipient class"]) == list(classes["Recipient class"])
    assert list(result["Amount"]) == list(classes["Amount"])
    assert not [b for b in app.button if b.label.startswith("Post FY")]


def test_a_payment_recorded_after_the_preview_makes_the_confirm_refuse(
    open_app, database_url, seeded_template
):
    app = income_page(open_app)
    preview_button(app).click().run()
    checkbox(app, "I have checked the figures above").check().run()
    _, account_ids = seeded_template
    engine = db.get_engine(database_url)
    with db.unit_of_work(engine) as session:
        finance = accounts.load_actor(session, account_ids["finance"])
        agreement_id = revenue.agreements_receiving_income(session, actor=finance)[0][0].id
        revenue.record_income(
            session,
            actor=finance,
            form=IncomeForm(agreement_id, TODAY - timedelta(days=1), "royalty", "250.00"),
        )
    post_button(app).click().run()
    assert not app.exception
    [error] = messages(app.error)
    assert "changed since the preview" in error and "preview the run again" in error
    assert not app.success
    assert "posted" not in set(app.dataframe[0].value["Distribution"])
    preview_button(app).click().run()
    assert metrics(app)["Payments"] == "14"


def test_with_four_eyes_finance_posts_a_run_only_once_someone_else_has_previewed_it(
    open_app, monkeypatch
):
    monkeypatch.setenv("TLO_FOUR_EYES", "1")
    app = income_page(open_app)
    preview_button(app).click().run()
    assert app.warning[0].value.startswith("Four eyes: only you have previewed these figures.")
    checkbox(app, "I have checked the figures above").check().run()
    post_button(app).click().run()
    assert "only you previewed these figures" in messages(app.error)[0]

    director = income_page(open_app, "director")
    preview_button(director).click().run()
    assert director.info[0].value.startswith("Four eyes: Fiona Nakamura previewed these same")

    post_button(app).click().run()  # the same figures: now two people have seen them
    assert not app.exception
    assert messages(app.success)[0].startswith("FY2027 posted: 13 payments")


def test_with_four_eyes_the_page_says_who_posts_a_draft(open_app, monkeypatch):
    monkeypatch.setenv("TLO_FOUR_EYES", "1")
    app = income_page(open_app)
    button(app, "Compute the draft distribution").click().run()
    button(app, "Post the distribution").click().run()
    assert "you computed this draft" in messages(app.error)[0]
    assert any("Four eyes:" in caption.value for caption in app.caption)


def test_an_officer_neither_voids_nor_runs_the_year(open_app):
    app = income_page(open_app, "officer")
    labels = [b.label for b in app.button]
    assert "Void payment" not in labels
    assert not [label for label in labels if label.startswith(("Preview the run", "Post FY"))]
