"""The equity page on the demo office: the start-up's holding at cost and value, a new holding
and its events recorded by the director, a sale confirmed only after its preview."""

from datetime import date

from tests.app.conftest import button, messages
from tests.clock import TODAY

PAGE = "pages/equity.py"


def choose(app, key: str, text: str):
    """Pick the first option of a selectbox whose label holds `text` (AppTest picks by
    position)."""
    box = app.selectbox(key=key)
    return box.select_index(next(i for i, label in enumerate(box.options) if text in label))


def opened(open_app, username="director"):
    app = open_app(username)
    app.switch_page(PAGE).run()
    assert not app.exception
    return app


def record_holding(app, *, shares=1000, price="1.25"):
    choose(app, "eq_new_source", "Start-up license")
    app.text_input(key="eq_new_class").input("Series A Preferred")
    app.text_input(key="eq_new_certificate").input("PA-1")
    app.date_input(key="eq_new_on").set_value(date(2026, 6, 1))
    app.number_input(key="eq_new_shares").set_value(shares)
    app.text_input(key="eq_new_price").input(price)
    button(app, "Record the holding").click().run()
    assert not app.exception
    assert messages(app.success) == ["Holding recorded with the issue of its shares."]


def test_the_director_sees_the_demo_holding_at_cost_and_value(open_app):
    app = opened(open_app)
    metrics = {metric.label: metric.value for metric in app.metric}
    # 250,000 shares issued at $0.0001 and all sold for $250,000.00 on the acquisition.
    assert metrics == {
        "At cost": "$0.00",
        "At last known value": "$0.00",
        "Realized by sales": "$250,000.00",
    }
    [holding] = app.dataframe[0].value.to_dict("records")
    assert (holding["Class"], holding["Shares"], holding["Held for"]) == (
        "Common",
        0,
        "The university",
    )
    events = app.dataframe[1].value
    assert list(events["Event"]) == ["Issue", "Dilution", "Sale"]


def test_the_director_records_a_holding_and_an_event_of_it(open_app):
    app = opened(open_app)
    record_holding(app)
    assert len(app.dataframe[0].value) == 2
    assert app.metric[0].value == "$1,250.00"  # 1,000 shares at $1.25
    choose(app, "eq_holding", "PA-1").run()
    choose(app, "eq_event_kind", "Split")
    app.date_input(key="eq_event_on").set_value(TODAY)
    app.text_input(key="eq_event_ratio").input("3:2")
    button(app, "Record the event").click().run()
    assert not app.exception
    assert messages(app.success) == ["Split recorded."]
    events = app.dataframe[1].value
    assert list(events["Event"]) == ["Issue", "Split"]
    assert list(events["Ratio (new:old)"]) == ["", "3:2"]
    holdings = app.dataframe[0].value
    assert 1500 in set(holdings["Shares"])
    assert app.metric[1].value == "$1,250.00"  # 1,500 shares at $1.25 x 2/3


def test_a_sale_is_recorded_only_once_confirmed(open_app):
    app = opened(open_app)
    record_holding(app)
    choose(app, "eq_holding", "PA-1").run()
    choose(app, "eq_event_kind", "Sale")
    app.date_input(key="eq_event_on").set_value(TODAY)
    app.number_input(key="eq_event_shares").set_value(400)
    app.text_input(key="eq_event_price").input("5")
    button(app, "Record the event").click().run()
    assert not app.exception
    [warning] = messages(app.warning)
    assert "brings **$2,000.00**; 600 shares are left" in warning
    assert "recorded as equity income of AGR-" in warning
    assert list(app.dataframe[1].value["Event"]) == ["Issue"]  # nothing written yet
    button(app, "Confirm the sale").click().run()
    assert not app.exception
    assert messages(app.success) == ["Sale recorded. Its income waits on the Income page."]
    assert app.metric[2].value == "$252,000.00"
    events = app.dataframe[1].value
    assert list(events["Event"]) == ["Issue", "Sale"]
    assert events["Income"].iloc[1] > 0


def test_an_error_is_shown_and_nothing_recorded(open_app):
    app = opened(open_app)
    choose(app, "eq_event_kind", "Dilution")
    app.date_input(key="eq_event_on").set_value(TODAY)
    button(app, "Record the event").click().run()
    assert not app.exception
    assert messages(app.error) == ["Give the price per share of the dilution."]


def test_an_officer_records_rounds_but_no_sale(open_app):
    app = opened(open_app, "officer")
    assert "Sale" not in app.selectbox(key="eq_event_kind").options
    assert "Dilution" in app.selectbox(key="eq_event_kind").options


def test_the_director_voids_a_mistaken_event(open_app):
    app = opened(open_app)
    record_holding(app)
    choose(app, "eq_holding", "PA-1").run()
    choose(app, "eq_event_kind", "Dilution")
    app.date_input(key="eq_event_on").set_value(TODAY)
    app.text_input(key="eq_event_price").input("125")
    button(app, "Record the event").click().run()
    assert app.metric[1].value == "$125,000.00"
    app.text_input(key="eq_void_reason").input("Typed $125 for $1.25")
    button(app, "Void the event").click().run()
    assert messages(app.error) == ["Tick the box to confirm that the event is voided."]
    app.checkbox(key="eq_void_sure").check()
    button(app, "Void the event").click().run()
    assert not app.exception
    assert messages(app.success)[0].startswith("Dilution voided.")
    assert app.metric[1].value == "$1,250.00"
    events = app.dataframe[1].value
    assert list(events["Voided"]) == ["", "Typed $125 for $1.25 (Diane Whitfield)"]


def test_a_holding_recorded_without_its_license_is_given_one(open_app):
    app = opened(open_app)
    choose(app, "eq_new_source", "no license")
    app.text_input(key="eq_new_class").input("Warrants")
    app.date_input(key="eq_new_on").set_value(date(2026, 6, 1))
    app.number_input(key="eq_new_shares").set_value(10)
    app.text_input(key="eq_new_price").input("0")
    button(app, "Record the holding").click().run()
    choose(app, "eq_holding", "Warrants").run()
    assert "names no license" in messages(app.info)[0]
    button(app, "Name the license").click().run()
    assert not app.exception
    assert messages(app.success)[0].startswith("The holding's shares came from AGR-")
    assert not app.info, messages(app.info)
    assert any(value.startswith("AGR-") for value in app.dataframe[0].value["Agreement"])
