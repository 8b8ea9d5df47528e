from tests.app.conftest import messages


def test_the_officer_sees_their_deadlines_on_home_and_the_docket(open_app):
    app = open_app("officer")
    assert any("My deadlines" in header.value for header in app.subheader)
    app.switch_page("pages/docket.py").run()
    assert not app.exception
    app.selectbox(key="docket_window").select("any time").run()
    table = app.dataframe[0].value
    assert len(table) > 0
    assert set(table["Officer"]) == {"Olivia Ortega"}


def test_waiving_a_deadline_needs_a_reason(open_app):
    app = open_app("officer")
    app.switch_page("pages/docket.py").run()
    app.selectbox(key="docket_window").select("any time").run()
    before = len(app.dataframe[0].value)
    app.radio(key="mark_state").set_value("waived")
    app.button(key="FormSubmitter:mark-Save").click().run()
    assert messages(app.error) == ["Say why the deadline is waived."]
    app.text_input(key="mark_note").input("Inventors dropped the US")
    app.button(key="FormSubmitter:mark-Save").click().run()
    assert any("marked waived" in message for message in messages(app.success))
    assert len(app.dataframe[0].value) == before - 1
