from tests.app.conftest import messages


def test_the_officer_lets_a_cost_event_lapse_only_with_a_reason_and_a_confirmation(open_app):
    app = open_app("officer")
    app.switch_page("pages/cost_review.py").run()
    assert not app.exception
    app.selectbox(key="review_months").set_value(24).run()
    before = app.dataframe[0].value
    assert len(before) > 0 and set(before["Officer"]) == {"Olivia Ortega"}
    first = app.multiselect(key="cost_events").options[0]
    app.multiselect(key="cost_events").select(first)
    app.radio(key="cost_decision").set_value("lapse")
    app.button(key="FormSubmitter:cost_decision-Record decision").click().run()
    assert messages(app.error) == ["Tick the box to confirm letting it lapse."]
    app.checkbox(key="cost_confirm").check()
    app.button(key="FormSubmitter:cost_decision-Record decision").click().run()
    assert messages(app.error) == ["Give the reason."]
    app.text_area(key="cost_reason").input("No licensee in that market")
    app.button(key="FormSubmitter:cost_decision-Record decision").click().run()
    assert any(m.startswith("Decided to let lapse: ") for m in messages(app.success))
    assert len(app.dataframe[0].value) == len(before) - 1


def test_finance_sees_the_forecast_but_not_the_queue(open_app):
    app = open_app("finance")
    app.switch_page("pages/cost_review.py").run()
    assert not app.exception
    assert "for licensing officers and the director" in app.info[0].value
    table = app.dataframe[0].value
    assert list(table.columns) == ["Year", "Office", "Items", "Estimated cost"]
    assert len(table) > 0
